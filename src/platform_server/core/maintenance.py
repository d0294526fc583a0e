"""Periodic housekeeping inside each API process (safe to run in several at once)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from platform_server.core.database import Database
from platform_server.core.idempotency import purge_expired
from platform_server.core.settings import Settings

logger = logging.getLogger("platform_server.maintenance")

Job = Callable[[Database, Settings], Awaitable[None]]


async def _purge_idempotency_keys(db: Database, settings: Settings) -> None:
    async with db.transaction() as session:
        removed = await purge_expired(session, settings.idempotency_ttl_hours)
    if removed:
        logger.info("purged %d expired idempotency keys", removed)


JOBS: list[Job] = [_purge_idempotency_keys]


async def run_forever(db: Database, settings: Settings, every_seconds: float = 3600) -> None:
    while True:
        for job in JOBS:
            try:
                await job(db, settings)
            except Exception:  # one failed round must not stop the next
                logger.exception("maintenance job %s failed", job.__name__)
        await asyncio.sleep(every_seconds)
