"""All of the notifications domain's SQL: the queue of notifications and its sending."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server import delivery
from platform_server.core.database import Database, equal_to, table_of
from platform_server.core.pagination import Page, PageParams, newest_first
from platform_server.core.rows import count_rows
from platform_server.core.timeseries import Counts, Hours
from platform_server.notifications.models import Notification
from platform_server.notifications.schemas import NotificationFilters, NotificationOut

Key = tuple[uuid.UUID | None, str, str, str]

_table = table_of(Notification)
# One statement for the whole batch. A row gone, or taken over meanwhile (retried by
# hand, or claimed again after its lease ran out) no longer matches: whoever holds it
# now settles it.
_SETTLE = (
    update(_table)
    .where(
        _table.c.id == bindparam("row_id"),
        delivery.is_pending(Notification),
        _table.c.attempts == bindparam("attempt"),
    )
    .values(
        status=bindparam("status"),
        last_error=bindparam("last_error"),
        next_attempt_at=bindparam("next_attempt_at"),
        sent_at=bindparam("sent_at"),
        locked_until=None,
    )
)


async def existing_keys(session: AsyncSession, event_ids: Sequence[uuid.UUID]) -> set[Key]:
    """(event, channel, template, recipient) of the rows already queued for these events."""
    if not event_ids:
        return set()
    found = await session.execute(
        select(
            Notification.event_id,
            Notification.channel,
            Notification.template,
            Notification.recipient,
        ).where(Notification.event_id.in_(list(event_ids)))
    )
    return {(r[0], r[1], r[2], r[3]) for r in found.all()}


async def insert_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert, skipping any row whose (event, channel, template, recipient) exists."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    # The table, not the mapped class: the ORM's bulk layer costs more than the insert.
    stmt: Any
    if dialect == "sqlite":
        stmt = sqlite.insert(_table).on_conflict_do_nothing()
    elif dialect == "postgresql":
        stmt = postgresql.insert(_table).on_conflict_do_nothing()
    else:
        stmt = insert(_table)
    await session.execute(stmt, rows)


async def get(
    session: AsyncSession, notification_id: uuid.UUID, *, lock: bool = False
) -> Notification | None:
    return await session.get(Notification, notification_id, with_for_update=lock)


async def save(session: AsyncSession) -> None:
    """Write the changes made to loaded rows now (before the caller records them)."""
    await session.flush()


async def list_notifications(
    session: AsyncSession, page: PageParams, filters: NotificationFilters
) -> Page[NotificationOut]:
    """Newest first, with the given values (None: any)."""
    stmt = select(Notification).where(
        *equal_to(
            (Notification.user_id, filters.user_id),
            (Notification.status, filters.status),
            (Notification.channel, filters.channel),
            (Notification.template, filters.template),
        )
    )
    return await newest_first(session, stmt, Notification, page, NotificationOut.model_validate)


async def anything_due(db: Database) -> bool:
    return await delivery.anything_due(db, Notification)


async def claim(session: AsyncSession, *, lease: float, limit: int) -> list[Row[Any]]:
    """Due notifications, leased (see `delivery.claim`)."""
    return await delivery.claim(
        session, Notification, lease_seconds=lease, limit=limit, recipient=Notification.recipient
    )


async def settle_all(session: AsyncSession, outcomes: list[dict[str, Any]]) -> None:
    await session.execute(_SETTLE, outcomes)


async def failed_counts(session: AsyncSession, buckets: Hours) -> Counts:
    """Notifications now `failed`, and how many failed in each hour of `buckets`."""
    return await delivery.failed_counts(session, Notification, buckets)


async def states(session: AsyncSession) -> delivery.DeliveryStates:
    """Notifications queued, retrying and failed now."""
    return await delivery.state_counts(session, Notification)


async def count_for_user(
    session: AsyncSession, user_id: uuid.UUID, template: str, since: datetime
) -> int:
    """Notifications of `template` queued for the user since `since` (user_id is indexed)."""
    theirs = (Notification.user_id == user_id, Notification.template == template)
    return await count_rows(session, Notification, *theirs, Notification.created_at >= since)
