"""Recording events in the caller's transaction, reading them back, and publishing them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.database import utcnow
from platform_server.core.errors import found
from platform_server.core.ids import new_id, new_ids
from platform_server.core.principal import Principal, current_principal
from platform_server.core.request_context import current_request_id
from platform_server.events import repository
from platform_server.events.repository import EventFilters, to_out
from platform_server.events.schemas import EventOut
from platform_server.tracing import current_traceparent

# What an event says about its resource: the resource as the API shows it.
EventData = BaseModel | Mapping[str, Any]
# Usually a UUID; stored as its str(), so any value with a stable str() will do.
ResourceId = object

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


def _json(data: EventData) -> Any:
    # pydantic's own JSON mode is several times faster than the generic encoder.
    return data.model_dump(mode="json") if isinstance(data, BaseModel) else jsonable_encoder(data)


def _json_text(data: EventData) -> str:
    # The JSON text at once: for a model, half the time of a dict then `json.dumps`.
    if isinstance(data, BaseModel):
        return data.model_dump_json()
    return json.dumps(jsonable_encoder(data))


def _row(
    event_id: uuid.UUID,
    type_: str,
    resource_type: str,
    resource_id: ResourceId,
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
        "data": data,
        "request_id": current_request_id(),
        "trace_context": current_traceparent(),
        "created_at": now,
        "position": None,
        "published_at": None,
    }


async def record(
    session: AsyncSession,
    type_: str,
    resource_type: str,
    resource_id: ResourceId,
    data: EventData,
    actor: Principal | None = None,
) -> None:
    """Write an event in the caller's transaction: it exists exactly when the change does.
    The actor defaults to the request's caller (none for the system's own jobs)."""
    actor = actor or current_principal()
    row = _row(new_id(), type_, resource_type, resource_id, _json(data), actor, utcnow())
    await repository.insert_events(session, row)


async def record_many(
    session: AsyncSession,
    type_: str,
    resource_type: str,
    items: Sequence[tuple[ResourceId, EventData]],
    actor: Principal | None = None,
) -> None:
    """One event per (resource_id, data) pair, in one statement (bulk imports)."""
    if not items:
        return
    actor = actor or current_principal()
    now = utcnow()
    rows = [
        _row(event_id, type_, resource_type, rid, _json_text(data), actor, now)
        for event_id, (rid, data) in zip(new_ids(len(items)), items, strict=True)
    ]
    await repository.insert_many(session, rows)


# Listing has no rule beyond the route's permission: the repository's query as it is.
list_events = repository.list_events


async def get_event(session: AsyncSession, event_id: uuid.UUID) -> EventOut:
    event = await repository.get_event(session, event_id)
    return found(event, f"Event {event_id} does not exist.")


async def publish_batch(session: AsyncSession, limit: int) -> list[EventOut]:
    """Give the oldest unpublished events their stream positions.

    The counter row is locked first, so publishers run one after another and each
    commits before the next one reads the counter: positions become visible in
    order, and a reader tailing by position never skips one that commits late.
    """
    stream = await repository.lock_stream(session)
    rows = await repository.unpublished(session, limit)
    if not rows:
        return []
    now, first = utcnow(), stream.last_position + 1
    await repository.set_positions(session, stream, [row.id for row in rows], first, now)
    return [to_out(row, position=first + i, published_at=now) for i, row in enumerate(rows)]


@dataclass(frozen=True)
class OutboxBacklog:
    """Events written but not yet published, and the oldest one's time (None if none)."""

    events: int
    oldest_created_at: datetime | None


async def outbox_backlog(session: AsyncSession) -> OutboxBacklog:
    count, oldest = await repository.outbox_backlog(session)
    return OutboxBacklog(events=count, oldest_created_at=oldest)


__all__ = [
    "EventData",
    "EventFilters",
    "OutboxBacklog",
    "ResourceId",
    "Subscriber",
    "deliver_to_subscribers",
    "get_event",
    "list_events",
    "outbox_backlog",
    "publish_batch",
    "record",
    "record_many",
    "subscribe",
]
