"""Periodic housekeeping inside each API process (safe to run in several at once).

At the top level, not in `core/`: it schedules domains' jobs (orders' expiry), and
core imports no domain."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from platform_server.core.database import Database
from platform_server.core.idempotency import purge_expired
from platform_server.core.settings import Settings
from platform_server.orders import api as orders

logger = logging.getLogger("platform_server.maintenance")

Job = Callable[[Database, Settings], Awaitable[None]]


async def _purge_idempotency_keys(db: Database, settings: Settings) -> None:
    async with db.transaction() as session:
        removed = await purge_expired(session, settings.idempotency_ttl_hours)
    if removed:
        logger.info("purged %d expired idempotency keys", removed)


async def _expire_unpaid_orders(db: Database, settings: Settings) -> None:
    async with db.transaction() as session:
        expired = await orders.expire_overdue(session)
    if expired:
        logger.info("expired %d unpaid orders", expired)


# (job, seconds between runs)
JOBS: list[tuple[Job, float]] = [(_purge_idempotency_keys, 3600), (_expire_unpaid_orders, 30)]


async def run_forever(db: Database, settings: Settings, tick_seconds: float = 5) -> None:
    last_run: dict[Job, float] = {}
    loop = asyncio.get_running_loop()
    while True:
        for job, every in JOBS:
            if loop.time() - last_run.get(job, float("-inf")) < every:
                continue
            last_run[job] = loop.time()
            try:
                await job(db, settings)
            except Exception:  # one failed round must not stop the next
                logger.exception("maintenance job %s failed", job.__name__)
        await asyncio.sleep(tick_seconds)
