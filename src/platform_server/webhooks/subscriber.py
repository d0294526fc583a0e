"""Planning webhook deliveries: one per event per active endpoint subscribed to its type.

Runs in the transaction that publishes the events (or a broker worker's). An event may be
handed over twice: the (endpoint, event) pair is unique, so a second pass adds nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.database import utcnow
from platform_server.core.ids import new_id
from platform_server.events import api as events
from platform_server.webhooks import repository
from platform_server.webhooks.models import WebhookDelivery
from platform_server.webhooks.schemas import ALL_EVENTS


@events.subscribe
async def plan_webhooks(session: AsyncSession, batch: list[events.EventOut]) -> None:
    if not batch:
        return
    endpoints = await repository.active_endpoints(session)
    if not endpoints:
        return
    existing = await repository.planned(session, [event.id for event in batch])
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
    await repository.insert_deliveries(session, rows)
