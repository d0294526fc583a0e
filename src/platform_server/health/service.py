"""Readiness: whether this process can serve, which needs the database (Redis only
makes it degraded: rate limits and throttling then count in process memory)."""

from __future__ import annotations

import logging

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


async def redis_reachable(url: str) -> bool:
    """Whether Redis answers a PING within a second."""
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)
    try:
        return bool(await client.ping())
    except Exception:  # refused, timed out, unknown host: all mean "not now"
        return False
    finally:
        await client.aclose()
