"""`platform notifications retry`."""

from __future__ import annotations

from platform_cli.commands.notifications.list import DETAIL_COLUMNS, NotificationId
from platform_cli.verbs import Change, Session, changing


@changing(confirm=True)
def retry(session: Session, notification_id: NotificationId) -> Change:
    """Send a failed (or queued) notification again now (staff); a sent one is refused."""
    notifications = session.sdk.notifications
    return Change(
        action=f"retry notification {notification_id}",
        fetch=lambda: notifications.get(notification_id),
        after=lambda before: {**before, "status": "queued", "last_error": None},
        call=lambda: notifications.retry(notification_id),
        columns=DETAIL_COLUMNS,
        spinner="Retrying…",
    )
