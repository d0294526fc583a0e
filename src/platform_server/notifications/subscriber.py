"""Turning published events into queued notifications (the events domain calls this).

Runs in the publishing transaction, so the rows exist exactly when the events are
published. It is idempotent: an event handed over twice renders nothing new, because
rows that exist for (event, channel, template, recipient) are skipped, and the unique
constraint on those columns backs that up when two workers race.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from jinja2 import TemplateError
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.events import api as events
from platform_server.notifications import repository, service
from platform_server.notifications.rendering import EVENT_TEMPLATES, render
from platform_server.users import api as users

logger = logging.getLogger("platform_server.notifications")

RENDERS_PER_TURN = 8


def _user_id(event: events.EventOut) -> uuid.UUID | None:
    """Whom the event is about: the new user, or the order's customer."""
    raw = event.resource_id if event.resource_type == "user" else event.data.get("user_id")
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def _context(event: events.EventOut, contact: users.Contact) -> dict[str, Any]:
    user = {"id": str(contact.user_id), "name": contact.name, "email": contact.email}
    if event.resource_type == "order":
        return {"user": user, "order": event.data, "event_type": event.type}
    # A self-registered account is not verified yet: it may not order until it is.
    verified = bool(event.data.get("email_verified_at"))
    return {"user": user, "event_type": event.type, "verified": verified}


@events.subscribe
async def plan_notifications(session: AsyncSession, batch: list[events.EventOut]) -> None:
    wanted = [e for e in batch if e.type in EVENT_TEMPLATES]
    if not wanted:
        return
    existing = await repository.existing_keys(session, [e.id for e in wanted])
    people = await users.contacts(session, [uid for e in wanted if (uid := _user_id(e))])
    rows: list[dict[str, Any]] = []
    for count, event in enumerate(wanted, 1):
        if count % RENDERS_PER_TURN == 0:
            # Rendering a busy moment's emails takes milliseconds of CPU: let the
            # process's requests in between rather than after the whole batch.
            await asyncio.sleep(0)
        user_id = _user_id(event)
        contact = people.get(user_id) if user_id else None
        if contact is None:  # the user is gone (deleted since): nobody to tell
            continue
        template = EVENT_TEMPLATES[event.type]
        phone = contact.phone if contact.sms_opt_in else None
        try:
            rendered = render(template, _context(event, contact), sms=bool(phone))
        except TemplateError:
            # A broken template must not stop the event stream: log it and go on.
            logger.exception("could not render %s for event %s", template, event.id)
            continue
        common: dict[str, Any] = {
            "event_id": event.id,
            "user_id": contact.user_id,
            "template": template,
            "position": event.position,
            "resource_key": f"{event.resource_type}:{event.resource_id}",
        }
        rows.append(
            service.new_row(
                **common,
                channel="email",
                recipient=contact.email,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
            )
        )
        if phone and rendered.sms:
            rows.append(
                service.new_row(
                    **common,
                    channel="sms",
                    recipient=phone,
                    subject=None,
                    body_text=rendered.sms,
                    body_html=None,
                )
            )
    fresh = []
    for row in rows:  # skip what exists, and repeats within this batch
        key = service.row_key(row)
        if key not in existing:
            existing.add(key)
            fresh.append(row)
    await repository.insert_rows(session, fresh)
