"""Periodic housekeeping inside each API process (safe to run in several at once).

At the top level, not in `core/`: it schedules domains' jobs (orders' expiry), and
core imports no domain."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from platform_server.core.database import Database
from platform_server.core.idempotency import purge_expired
from platform_server.core.settings import Settings
from platform_server.invoices import api as invoices
from platform_server.orders import api as orders
from platform_server.products import api as products
from platform_server.storage.base import Storage
from platform_server.storage.factory import open_storage
from platform_server.users import api as users

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


# What the sweep looks under, and whose rows name the objects there.
FILE_PREFIXES = ("images", "avatars", "invoices")
# An object younger than this may belong to an upload whose row is not committed yet.
SWEEP_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class Swept:
    removed: int
    kept: int
    abandoned: int


async def sweep_orphaned_files(
    db: Database, storage: Storage, *, grace: timedelta = SWEEP_GRACE
) -> Swept:
    """Delete stored objects no row names (left by a crash between writing an object
    and committing its row, or a delete whose objects could not be removed), and what
    unfinished writes left; only what is older than `grace`."""
    cutoff = datetime.now(UTC) - grace
    async with db.transaction(write=False) as session:
        in_use = (
            await products.image_keys_in_use(session)
            | await users.avatar_keys_in_use(session)
            | await invoices.keys_in_use(session)
        )
    removed = kept = 0
    for prefix in FILE_PREFIXES:
        async for info in storage.keys(prefix):
            if info.key in in_use or info.modified >= cutoff:
                kept += 1
                continue
            await storage.delete(info.key)
            removed += 1
    abandoned = await storage.discard_abandoned(cutoff)
    return Swept(removed, kept, abandoned)


async def _sweep_files(db: Database, settings: Settings) -> None:
    storage = open_storage(settings)
    try:
        swept = await sweep_orphaned_files(db, storage)
    finally:
        await storage.close()
    if swept.removed or swept.abandoned:
        logger.info(
            "removed %d orphaned files, %d abandoned writes", swept.removed, swept.abandoned
        )


# (job, seconds between runs)
JOBS: list[tuple[Job, float]] = [
    (_purge_idempotency_keys, 3600),
    (_expire_unpaid_orders, 30),
    (_sweep_files, 6 * 3600),
]


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
