"""`platform notifications list` and `get`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from platform_cli.context import columns, only_option
from platform_cli.params import arg, opt
from platform_cli.refs import check_id
from platform_cli.verbs import listing, option, showing

if TYPE_CHECKING:
    from platform_sdk import Client


Status = Literal["queued", "sent", "failed"]


Channel = Literal["email", "sms"]


NotificationId = Annotated[str, arg(help="Notification id.", parser=check_id)]


COLUMNS = columns(
    "ID=id:id, CHANNEL=channel, TO=recipient, TEMPLATE=template, STATUS=status:status, "
    "ATTEMPTS=attempts, CREATED=created_at:time"
)

DETAIL_COLUMNS = columns(
    "id=id:id, channel=channel, recipient=recipient, template=template, subject=subject, "
    "status=status:status, attempts=attempts, last_error=last_error, event_id=event_id:id, "
    "user_id=user_id:id, created_at=created_at:time, sent_at=sent_at:time, "
    "next_attempt_at=next_attempt_at:time, body_text=body_text"
)


FILTERS = [
    option("status", only_option(Status)),
    option("channel", only_option(Channel, "channel")),
    option(
        "user_id",
        Annotated[str | None, opt("--user", "--user-id", help="Only this user's (staff).")],
    ),
    option("template", Annotated[str | None, opt(help="Only this template, e.g. order_created.")]),
]


@listing(COLUMNS, empty="No notifications.", spinner="Fetching notifications…", filters=FILTERS)
def list_notifications(sdk: Client, size: int, **filters: Any) -> Iterable[Any]:
    """List notifications, newest first: your own, or everyone's for staff."""
    return sdk.notifications.list(**filters, limit=size)


@showing(DETAIL_COLUMNS)
def get(sdk: Client, notification_id: NotificationId) -> Any:
    """Show one notification with its text."""
    return sdk.notifications.get(notification_id)
