"""Readiness: whether this process can serve, which needs the database (Redis only
improves it: without it the process is degraded, still ready)."""

from __future__ import annotations

import logging
from typing import Literal

from platform_server.cache.redis_link import RedisLink
from platform_server.core.database import Database
from platform_server.core.errors import ProblemError
from platform_server.health import repository

logger = logging.getLogger("platform_server.health")


async def check_database(db: Database) -> None:
    """Raise a 503 problem when the database does not answer."""
    try:
        async with db.transaction(write=False) as session:
            await repository.ping(session)
    except Exception as exc:
        logger.warning("readiness check failed: %s", exc)
        raise ProblemError("The database is unreachable.", status=503) from exc


async def check_redis(link: RedisLink) -> Literal["ok", "degraded"]:
    """`degraded`, not a failure, when Redis does not answer: the server still serves."""
    return "ok" if await link.ping() else "degraded"
