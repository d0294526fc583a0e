"""Planning webhook deliveries: one per event per active endpoint subscribed to its type.

Runs in the transaction that publishes the events (or a broker worker's). An event may be
handed over twice: the (endpoint, event) pair is unique, so a second pass adds nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.database import utcnow
from platform_server.core.ids import new_id
from platform_server.events import api as events
from platform_server.webhooks.models import WebhookDelivery, WebhookEndpoint
from platform_server.webhooks.schemas import ALL_EVENTS


def _insert_new(session: AsyncSession) -> Any:
    """An INSERT that skips rows whose (endpoint, event) already exists, where the
    database can say so (a concurrent planner may insert the same row meanwhile)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(WebhookDelivery).on_conflict_do_nothing(
            index_elements=["endpoint_id", "event_id"]
        )
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(WebhookDelivery).on_conflict_do_nothing(
            index_elements=["endpoint_id", "event_id"]
        )
    return insert(WebhookDelivery)


@events.subscribe
async def plan_webhooks(session: AsyncSession, batch: list[events.EventOut]) -> None:
    if not batch:
        return
    endpoints = (
        await session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.events).where(
                WebhookEndpoint.active.is_(True)
            )
        )
    ).all()
    if not endpoints:
        return
    event_ids = [event.id for event in batch]
    existing: set[tuple[uuid.UUID, uuid.UUID | None]] = {
        (row.endpoint_id, row.event_id)
        for row in await session.execute(
            select(WebhookDelivery.endpoint_id, WebhookDelivery.event_id).where(
                WebhookDelivery.event_id.in_(event_ids)
            )
        )
    }
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for event in batch:
        payload: str | None = None
        for endpoint_id, types in endpoints:
            wanted = types or []
            if ALL_EVENTS not in wanted and event.type not in wanted:
                continue
            if (endpoint_id, event.id) in existing:
                continue
            payload = payload or event.model_dump_json()
            rows.append(
                {
                    "id": new_id(),
                    "endpoint_id": endpoint_id,
                    "event_id": event.id,
                    "event_type": event.type,
                    "message_id": str(event.id),
                    "payload": payload,
                    "status": WebhookDelivery.PENDING,
                    "attempts": 0,
                    "retry_base": 0,
                    "position": event.position,
                    "resource_key": f"{event.resource_type}:{event.resource_id}"[:120],
                    "next_attempt_at": now,
                    "locked_until": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    if rows:
        await session.execute(_insert_new(session), rows)
