"""Queued notifications: writing them, reading them back, and retrying them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.database import utcnow
from platform_server.core.errors import Conflict, NotFound
from platform_server.core.ids import new_id
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.delivery import retry_now
from platform_server.notifications import repository
from platform_server.notifications.models import Notification
from platform_server.notifications.rendering import render
from platform_server.notifications.repository import Key
from platform_server.notifications.schemas import NotificationFilters, NotificationOut
from platform_server.users import api as users


def new_row(
    *,
    channel: str,
    recipient: str,
    template: str,
    subject: str | None,
    body_text: str,
    body_html: str | None,
    event_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    position: int | None = None,
    resource_key: str | None = None,
) -> dict[str, Any]:
    """The values of a new queued notification, due at once."""
    now = utcnow()
    return {
        "id": new_id(),
        "created_at": now,
        "updated_at": now,
        "event_id": event_id,
        "user_id": user_id,
        "channel": channel,
        "recipient": recipient,
        "template": template,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "sent_at": None,
        "status": Notification.PENDING,
        "attempts": 0,
        "retry_base": 0,
        "last_error": None,
        "position": position,
        "resource_key": resource_key,
        "next_attempt_at": now,
        "locked_until": None,
    }


def row_key(row: dict[str, Any]) -> Key:
    return (row["event_id"], row["channel"], row["template"], row["recipient"])


async def queue_for_admins(session: AsyncSession, template: str, context: dict[str, Any]) -> None:
    """An email to every active admin, in the caller's transaction (no source event).

    ``template`` is a template name (e.g. ``webhook_disabled``); ``context`` its values.
    Each admin is ``user`` in the template.
    """
    admins = await users.admin_contacts(session)
    await repository.insert_rows(session, [_email_row(c, template, context) for c in admins])


async def queue_for_user(
    session: AsyncSession, user_id: uuid.UUID, template: str, context: dict[str, Any]
) -> None:
    """An email to one user (``user`` in the template), in the caller's transaction."""
    contact = (await users.contacts(session, [user_id])).get(user_id)
    if contact is not None:
        await repository.insert_rows(session, [_email_row(contact, template, context)])


def _email_row(contact: users.Contact, template: str, context: dict[str, Any]) -> dict[str, Any]:
    user = {"id": str(contact.user_id), "name": contact.name, "email": contact.email}
    rendered = render(template, {**context, "user": user}, sms=False)
    return new_row(
        channel="email",
        recipient=contact.email,
        template=template,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        user_id=contact.user_id,
    )


def can_see_all(actor: Principal) -> bool:
    return actor.can(Permission.NOTIFICATIONS_MANAGE)


async def list_notifications(
    session: AsyncSession, page: PageParams, filters: NotificationFilters, actor: Principal
) -> Page[NotificationOut]:
    """Newest first; customers see only their own, staff everyone's."""
    if not can_see_all(actor):
        filters = filters.model_copy(update={"user_id": actor.user_id})
    return await repository.list_notifications(session, page, filters)


async def get_notification(
    session: AsyncSession, notification_id: uuid.UUID, actor: Principal, *, lock: bool = False
) -> Notification:
    """One the actor may see; others' ids answer 404, so ids cannot be probed."""
    row = await repository.get(session, notification_id, lock=lock)
    if row is not None and (row.user_id == actor.user_id or can_see_all(actor)):
        return row
    raise NotFound(f"Notification {notification_id} does not exist.")


async def retry(
    session: AsyncSession, notification_id: uuid.UUID, actor: Principal
) -> Notification:
    """Send a failed (or still queued) notification again at once, with a fresh backoff."""
    row = await get_notification(session, notification_id, actor, lock=True)
    if row.status == Notification.DONE:
        raise Conflict(
            f"Notification {notification_id} was sent already; only a failed or queued "
            "one can be retried.",
            current_status=row.status,
        )
    if row.locked_until is not None and row.locked_until > utcnow():
        raise Conflict(
            f"Notification {notification_id} is being sent right now; retry it if that fails.",
            current_status=row.status,
        )
    retry_now(row)
    await repository.save(session)
    await audit.record(
        session, "notification.retry", actor=actor, target_type="notification", target_id=row.id
    )
    return row
