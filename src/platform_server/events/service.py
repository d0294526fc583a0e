"""Recording events in the caller's transaction, reading them back, and publishing them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core import direct
from platform_server.core.database import as_utc, table_of, utcnow
from platform_server.core.direct import Direct
from platform_server.core.errors import NotFound
from platform_server.core.ids import new_id, new_ids
from platform_server.core.pagination import Page, PageParams, paginate
from platform_server.core.principal import Principal, current_principal
from platform_server.core.request_context import current_request_id
from platform_server.events.models import Event, EventStream
from platform_server.events.schemas import EventActor, EventOut

# handler(session, events): runs in the publishing transaction (embedded dispatch) or in a
# worker's transaction (broker dispatch); it must be idempotent, as an event may come twice.
Subscriber = Callable[[AsyncSession, list[EventOut]], Awaitable[None]]
_subscribers: list[Subscriber] = []


def subscribe(handler: Subscriber) -> Subscriber:
    if handler not in _subscribers:
        _subscribers.append(handler)
    return handler


async def deliver_to_subscribers(session: AsyncSession, events: list[EventOut]) -> None:
    for handler in _subscribers:
        await handler(session, events)


# A table insert: events are written on every change, so they skip the ORM's layers.
_INSERT_EVENT = Direct(insert(table_of(Event)))


def _row(
    event_id: uuid.UUID,
    type_: str,
    resource_type: str,
    resource_id: Any,
    data: Any,
    actor: Principal | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": type_,
        "resource_type": resource_type,
        "resource_id": str(resource_id),
        "actor_id": actor.user_id if actor else None,
        "actor_email": (actor.email or None) if actor else None,
        # pydantic's own JSON mode is several times faster than the generic encoder.
        "data": data.model_dump(mode="json")
        if isinstance(data, BaseModel)
        else jsonable_encoder(data),
        "request_id": current_request_id(),
        "created_at": now,
        "position": None,
        "published_at": None,
    }


async def record(
    session: AsyncSession,
    type_: str,
    resource_type: str,
    resource_id: Any,
    data: Any,
    actor: Principal | None = None,
) -> None:
    """Write an event in the caller's transaction: it exists exactly when the change does.
    The actor defaults to the request's caller (none for the system's own jobs)."""
    actor = actor or current_principal()
    await direct.run(
        session,
        _INSERT_EVENT,
        _row(new_id(), type_, resource_type, resource_id, data, actor, utcnow()),
    )


async def record_many(
    session: AsyncSession,
    type_: str,
    resource_type: str,
    items: Sequence[tuple[Any, Any]],
    actor: Principal | None = None,
) -> None:
    """One event per (resource_id, data) pair, in one statement (bulk imports)."""
    if not items:
        return
    actor = actor or current_principal()
    now = utcnow()
    rows = [
        _row(event_id, type_, resource_type, rid, data, actor, now)
        for event_id, (rid, data) in zip(new_ids(len(items)), items, strict=True)
    ]
    await direct.run(session, _INSERT_EVENT, rows)


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
    )


@dataclass(frozen=True)
class EventFilters:
    types: Sequence[str] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    resource_id: str | None = None


def _filtered(filters: EventFilters) -> Any:
    stmt = select(Event)
    if filters.types:
        stmt = stmt.where(Event.type.in_(list(filters.types)))
    if filters.created_after:
        stmt = stmt.where(Event.created_at >= as_utc(filters.created_after))
    if filters.created_before:
        stmt = stmt.where(Event.created_at < as_utc(filters.created_before))
    if filters.resource_id:
        stmt = stmt.where(Event.resource_id == filters.resource_id)
    return stmt


async def list_events(
    session: AsyncSession, page: PageParams, filters: EventFilters
) -> Page[EventOut]:
    return await paginate(
        session,
        _filtered(filters),
        created_at=Event.created_at,
        row_id=Event.id,
        page=page,
        to_schema=to_out,
    )


async def get_event(session: AsyncSession, event_id: uuid.UUID) -> EventOut:
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound(f"Event {event_id} does not exist.")
    return to_out(event)


async def position_of(session: AsyncSession, event_id: uuid.UUID) -> int | None:
    return await session.scalar(select(Event.position).where(Event.id == event_id))


STREAM_BATCH = 100


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


# One executemany on the table, not an ORM flush of each row.
_SET_POSITION = (
    update(table_of(Event))
    .where(table_of(Event).c.id == bindparam("event_id"))
    .values(position=bindparam("pos"), published_at=bindparam("now"))
)


async def publish_batch(session: AsyncSession, limit: int) -> list[EventOut]:
    """Give the oldest unpublished events their stream positions.

    The counter row is locked first, so publishers run one after another and each
    commits before the next one reads the counter: positions become visible in
    order, and a reader tailing by position never skips one that commits late.
    """
    stream = await session.get(EventStream, 1, with_for_update=True)
    if stream is None:
        stream = EventStream(id=1, last_position=0)
        session.add(stream)
    events = table_of(Event)
    # Plain rows, not ORM objects: a bulk import publishes thousands of these.
    rows = (
        await session.execute(
            select(*events.c)
            .where(events.c.position.is_(None))
            .order_by(events.c.created_at, events.c.id)
            .limit(limit)
        )
    ).all()
    if not rows:
        return []
    now, first = utcnow(), stream.last_position + 1
    stream.last_position += len(rows)
    await session.execute(
        _SET_POSITION,
        [{"event_id": event.id, "pos": first + i, "now": now} for i, event in enumerate(rows)],
    )
    return [to_out(row, position=first + i, published_at=now) for i, row in enumerate(rows)]
