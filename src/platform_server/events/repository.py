"""All of the events domain's SQL: the outbox table and the stream counter."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core import bulk, direct
from platform_server.core.database import as_utc, equal_to, in_period, table_of
from platform_server.core.direct import Direct
from platform_server.core.pagination import Page, PageParams, newest_first, oldest_first
from platform_server.events.models import Event, EventStream
from platform_server.events.schemas import EventActor, EventOut

# A table insert: events are written on every change, so they skip the ORM's layers.
_INSERT_EVENT = Direct(insert(table_of(Event)))
_events = table_of(Event)
# One executemany on the table, not an ORM flush of each row.
_SET_POSITION = (
    update(_events)
    .where(_events.c.id == bindparam("event_id"))
    .values(position=bindparam("pos"), published_at=bindparam("now"))
)
STREAM_BATCH = 100


def to_out(
    event: Any, *, position: int | None = None, published_at: datetime | None = None
) -> EventOut:
    """An event (a model or a row of its columns) as the API shows it; `position` and
    `published_at` override the stored ones (set by the publisher in this transaction)."""
    actor = EventActor(id=event.actor_id, email=event.actor_email) if event.actor_id else None
    return EventOut(
        id=event.id,
        type=event.type,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        actor=actor,
        data=event.data,
        request_id=event.request_id,
        created_at=event.created_at,
        position=position if position is not None else event.position,
        published_at=published_at or event.published_at,
        trace_context=event.trace_context,
    )


async def insert_events(session: AsyncSession, row: dict[str, Any]) -> None:
    await direct.run(session, _INSERT_EVENT, row)


async def insert_many(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Many events in one statement, each one's `data` as JSON text."""
    await bulk.insert_rows(session, _events, rows, json_text=("data",))


@dataclass(frozen=True)
class EventFilters:
    types: Sequence[str] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    resource_id: str | None = None


async def list_events(
    session: AsyncSession, page: PageParams, filters: EventFilters
) -> Page[EventOut]:
    return await newest_first(session, _filtered(filters), Event, page, to_out)


async def export_page(
    session: AsyncSession, page: PageParams, filters: EventFilters
) -> Page[EventOut]:
    """`list_events`' events, oldest first (an export's order)."""
    return await oldest_first(session, _filtered(filters), Event, page, to_out)


def _filtered(filters: EventFilters) -> Select[Any]:
    stmt = select(Event).where(
        *in_period(Event.created_at, filters.created_after, filters.created_before),
        *equal_to((Event.resource_id, filters.resource_id)),
    )
    if filters.types:
        stmt = stmt.where(Event.type.in_(list(filters.types)))
    return stmt


async def get_event(session: AsyncSession, event_id: uuid.UUID) -> EventOut | None:
    event = await session.get(Event, event_id)
    return to_out(event) if event is not None else None


async def position_of(session: AsyncSession, event_id: uuid.UUID) -> int | None:
    return await session.scalar(select(Event.position).where(Event.id == event_id))


async def after_position(
    session: AsyncSession, position: int, types: Sequence[str], *, upto: int
) -> list[EventOut]:
    """Published events in (position, upto], in stream order (for live tailing)."""
    stmt = (
        select(Event)
        .where(Event.position > position, Event.position <= upto)
        .order_by(Event.position)
        .limit(STREAM_BATCH)
    )
    if types:
        stmt = stmt.where(Event.type.in_(list(types)))
    return [to_out(e) for e in await session.scalars(stmt)]


async def id_at(session: AsyncSession, position: int) -> uuid.UUID | None:
    return await session.scalar(select(Event.id).where(Event.position == position))


async def last_position(session: AsyncSession) -> int:
    return int(await session.scalar(select(EventStream.last_position)) or 0)


async def lock_stream(session: AsyncSession) -> EventStream:
    """The counter row, locked until the transaction ends (made on first use)."""
    stream = await session.get(EventStream, 1, with_for_update=True)
    if stream is None:
        stream = EventStream(id=1, last_position=0)
        session.add(stream)
    return stream


async def unpublished(session: AsyncSession, limit: int) -> Sequence[Any]:
    """The oldest events without a position, as plain rows, not ORM objects: a bulk
    import publishes thousands of these."""
    stmt = (
        select(*_events.c)
        .where(_events.c.position.is_(None))
        .order_by(_events.c.created_at, _events.c.id)
        .limit(limit)
    )
    return (await session.execute(stmt)).all()


async def set_positions(
    session: AsyncSession,
    stream: EventStream,
    event_ids: Sequence[uuid.UUID],
    first: int,
    now: datetime,
) -> None:
    """Number the events from `first` on, in the given order, and advance the counter."""
    stream.last_position = first + len(event_ids) - 1
    await session.execute(
        _SET_POSITION,
        [
            {"event_id": event_id, "pos": first + i, "now": now}
            for i, event_id in enumerate(event_ids)
        ],
    )


async def outbox_backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many events wait to be published, and when the oldest of them was written."""
    unpublished = _events.c.position.is_(None)
    stmt = select(func.count(), func.min(_events.c.created_at)).where(unpublished)
    count, oldest = (await session.execute(stmt)).one()
    return int(count or 0), as_utc(oldest) if oldest is not None else None
