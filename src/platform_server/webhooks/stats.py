"""Figures of this domain for the operator dashboard (read-only)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.timeseries import Counts, Hours, hourly_counts
from platform_server.delivery import FAILED
from platform_server.webhooks.models import WebhookDelivery


async def failed_delivery_counts(session: AsyncSession, buckets: Hours) -> Counts:
    """Deliveries now `failed` (each waits for a redelivery by hand), and how many of them
    failed in each hour of `buckets`: a failed row is last updated when it failed."""
    failed = WebhookDelivery.status == FAILED
    total = await session.scalar(select(func.count()).select_from(WebhookDelivery).where(failed))
    hourly = await hourly_counts(session, WebhookDelivery.updated_at, buckets, failed)
    return Counts(int(total or 0), hourly)
