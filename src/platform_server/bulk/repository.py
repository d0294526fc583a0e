"""All of the bulk domain's SQL."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.bulk.models import BulkJob
from platform_server.core.database import utcnow
from platform_server.core.pagination import Page, PageParams, newest_first

ACTIVE = ("queued", "running")


async def add(session: AsyncSession, job: BulkJob) -> None:
    session.add(job)
    await session.flush()


async def get(session: AsyncSession, job_id: uuid.UUID) -> BulkJob | None:
    return await session.get(BulkJob, job_id)


async def page(
    session: AsyncSession,
    page_params: PageParams,
    to_schema: Any,
    *,
    requested_by: uuid.UUID | None,
    status: str | None,
) -> Page[Any]:
    stmt = select(BulkJob)
    if requested_by is not None:
        stmt = stmt.where(BulkJob.requested_by == requested_by)
    if status is not None:
        stmt = stmt.where(BulkJob.status == status)
    return await newest_first(session, stmt, BulkJob, page_params, to_schema)


async def claim(session: AsyncSession, owner: str, lease_seconds: float) -> BulkJob | None:
    """The oldest job nobody holds (queued, or running under a lease that ran out),
    leased to `owner`. On PostgreSQL a job another runner is claiming is skipped."""
    now = utcnow()
    stmt = (
        select(BulkJob)
        .where(
            BulkJob.status.in_(ACTIVE),
            or_(BulkJob.lease_until.is_(None), BulkJob.lease_until < now),
        )
        .order_by(BulkJob.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    job = (await session.scalars(stmt)).first()
    if job is None:
        return None
    job.status = "running"
    job.lease_owner = owner
    job.lease_until = now + timedelta(seconds=lease_seconds)
    job.started_at = job.started_at or now
    await session.flush()
    return job


async def advance(
    session: AsyncSession,
    job_id: uuid.UUID,
    owner: str,
    *,
    chunk: int,
    lease_seconds: float,
    rows: int,
    counts: dict[str, int],
) -> bool:
    """Record chunk `chunk` as done (in the transaction that applies it) and renew the
    lease. False when the job is no longer ours to run: cancelled, taken over after
    our lease ran out, or that chunk already committed."""
    values: dict[str, Any] = {
        "chunks_done": BulkJob.chunks_done + 1,
        "rows_done": BulkJob.rows_done + rows,
        "lease_until": utcnow() + timedelta(seconds=lease_seconds),
    }
    for name, n in counts.items():
        if n:
            values[name] = getattr(BulkJob, name) + n
    result = await session.execute(
        update(BulkJob)
        .where(
            BulkJob.id == job_id,
            BulkJob.lease_owner == owner,
            BulkJob.status == "running",
            BulkJob.chunks_done == chunk,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def renew(
    session: AsyncSession, job_id: uuid.UUID, owner: str, lease_seconds: float, rows_done: int
) -> bool:
    """An export's progress and lease; False when it is no longer ours."""
    result = await session.execute(
        update(BulkJob)
        .where(BulkJob.id == job_id, BulkJob.lease_owner == owner, BulkJob.status == "running")
        .values(rows_done=rows_done, lease_until=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def finish(
    session: AsyncSession, job_id: uuid.UUID, owner: str, **values: Any
) -> BulkJob | None:
    """End a job we hold; None when it is no longer ours (cancelled meanwhile)."""
    job = await session.get(BulkJob, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.lease_owner != owner or job.status != "running":
        return None
    for name, value in values.items():
        setattr(job, name, value)
    job.finished_at = utcnow()
    job.lease_owner = None
    job.lease_until = None
    await session.flush()
    return job


async def release(session: AsyncSession, job_id: uuid.UUID, owner: str) -> None:
    """Give a job back (shutting down): another runner may take it at once."""
    await session.execute(
        update(BulkJob)
        .where(BulkJob.id == job_id, BulkJob.lease_owner == owner)
        .values(lease_until=None)
        .execution_options(synchronize_session=False)
    )


async def cancel(session: AsyncSession, job: BulkJob) -> None:
    job.status = "cancelled"
    job.finished_at = utcnow()
    job.lease_owner = None
    job.lease_until = None
    await session.flush()
