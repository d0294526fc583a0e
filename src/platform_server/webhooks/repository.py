"""All of the webhooks domain's SQL: endpoints, their deliveries, and sending them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server import delivery
from platform_server.core.database import Database
from platform_server.core.pagination import Page, PageParams, newest_first
from platform_server.core.timeseries import Counts, Hours
from platform_server.webhooks.models import WebhookDelivery, WebhookEndpoint
from platform_server.webhooks.schemas import WebhookDeliveryOut, WebhookEndpointOut

EndpointOrDelivery = TypeVar("EndpointOrDelivery", WebhookEndpoint, WebhookDelivery)


async def add(session: AsyncSession, row: WebhookEndpoint | WebhookDelivery) -> None:
    """Insert a new endpoint or delivery now (its id and defaults are then set)."""
    session.add(row)
    await session.flush()


async def save(session: AsyncSession) -> None:
    """Write the changes made to loaded rows now (before the caller records them)."""
    await session.flush()


async def get(
    session: AsyncSession, kind: type[EndpointOrDelivery], row_id: uuid.UUID, *, lock: bool = False
) -> EndpointOrDelivery | None:
    """An endpoint or a delivery by id; with `lock`, locked until the transaction ends."""
    return await session.get(kind, row_id, with_for_update=lock)


async def list_endpoints(
    session: AsyncSession, page: PageParams, active: bool | None
) -> Page[WebhookEndpointOut]:
    stmt = select(WebhookEndpoint)
    if active is not None:
        stmt = stmt.where(WebhookEndpoint.active.is_(active))
    return await newest_first(
        session, stmt, WebhookEndpoint, page, WebhookEndpointOut.model_validate
    )


async def delete_endpoint(session: AsyncSession, endpoint: WebhookEndpoint) -> None:
    """The endpoint and its deliveries: explicitly, not by the foreign key's cascade
    alone (SQLite may run without it)."""
    for row in await session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    ):
        await session.delete(row)
    await session.delete(endpoint)
    await session.flush()


async def list_deliveries(
    session: AsyncSession,
    endpoint_id: uuid.UUID,
    page: PageParams,
    status: str | None,
    event_type: str | None,
) -> Page[WebhookDeliveryOut]:
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    filters = ((WebhookDelivery.status, status), (WebhookDelivery.event_type, event_type))
    for column, value in filters:
        if value is not None:
            stmt = stmt.where(column == value)
    return await newest_first(
        session, stmt, WebhookDelivery, page, WebhookDeliveryOut.model_validate
    )


# Planning deliveries (the events subscriber).


async def active_endpoints(session: AsyncSession) -> list[tuple[uuid.UUID, list[str]]]:
    """(id, subscribed event types) of every enabled endpoint."""
    stmt = select(WebhookEndpoint.id, WebhookEndpoint.events).where(
        WebhookEndpoint.active.is_(True)
    )
    return [(row.id, row.events) for row in await session.execute(stmt)]


async def planned(
    session: AsyncSession, event_ids: Sequence[uuid.UUID]
) -> set[tuple[uuid.UUID, uuid.UUID | None]]:
    """(endpoint, event) of the deliveries that exist for these events."""
    stmt = select(WebhookDelivery.endpoint_id, WebhookDelivery.event_id).where(
        WebhookDelivery.event_id.in_(list(event_ids))
    )
    return {(row.endpoint_id, row.event_id) for row in await session.execute(stmt)}


async def insert_deliveries(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """An INSERT that skips rows whose (endpoint, event) already exists, where the
    database can say so (a concurrent planner may insert the same row meanwhile)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    stmt: Any
    if dialect == "postgresql":
        stmt = postgresql.insert(WebhookDelivery).on_conflict_do_nothing(
            index_elements=["endpoint_id", "event_id"]
        )
    elif dialect == "sqlite":
        stmt = sqlite.insert(WebhookDelivery).on_conflict_do_nothing(
            index_elements=["endpoint_id", "event_id"]
        )
    else:
        stmt = insert(WebhookDelivery)
    await session.execute(stmt, rows)


# Sending deliveries.


def _to_active_endpoints() -> list[Any]:
    active = select(WebhookEndpoint.id).where(WebhookEndpoint.active.is_(True))
    return [WebhookDelivery.endpoint_id.in_(active)]


async def anything_due(db: Database) -> bool:
    return await delivery.anything_due(db, WebhookDelivery)


async def claim(session: AsyncSession, *, lease: float, limit: int) -> list[Row[Any]]:
    """Due deliveries to enabled endpoints, leased (see `delivery.claim`)."""
    return await delivery.claim(
        session,
        WebhookDelivery,
        lease_seconds=lease,
        limit=limit,
        recipient=WebhookDelivery.endpoint_id,
        where=_to_active_endpoints,
    )


async def signing_targets(session: AsyncSession, endpoint_ids: Iterable[uuid.UUID]) -> list[Any]:
    """Id, URL and secrets of these endpoints (rows, for the sender's jobs)."""
    stmt = select(
        WebhookEndpoint.id,
        WebhookEndpoint.url,
        WebhookEndpoint.secret,
        WebhookEndpoint.previous_secret,
        WebhookEndpoint.previous_secret_expires_at,
    ).where(WebhookEndpoint.id.in_(list(endpoint_ids)))
    return list((await session.execute(stmt)).all())


async def failed_delivery_counts(session: AsyncSession, buckets: Hours) -> Counts:
    """Deliveries now `failed`, and how many failed in each hour of `buckets`."""
    return await delivery.failed_counts(session, WebhookDelivery, buckets)


async def delivery_states(session: AsyncSession) -> delivery.DeliveryStates:
    """Webhook deliveries queued, retrying and failed now."""
    return await delivery.state_counts(session, WebhookDelivery)
