"""Figures of this domain for the operator dashboard (read-only)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.timeseries import Counts, Hours, hourly_counts
from platform_server.delivery import FAILED
from platform_server.notifications.models import Notification


async def failed_counts(session: AsyncSession, buckets: Hours) -> Counts:
    """Notifications now `failed` (each waits for a retry by hand), and how many of them
    failed in each hour of `buckets`: a failed row is last updated when it failed."""
    failed = Notification.status == FAILED
    total = await session.scalar(select(func.count()).select_from(Notification).where(failed))
    hourly = await hourly_counts(session, Notification.updated_at, buckets, failed)
    return Counts(int(total or 0), hourly)
