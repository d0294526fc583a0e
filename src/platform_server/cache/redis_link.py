"""One Redis client with fault handling, for what may run without Redis for a while.

After a failed call the link is "down" for `retry_seconds`: callers skip Redis (and
fall back) instead of waiting on a dead server on every request. A warning is logged
at most once a minute, not once per request.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

logger = logging.getLogger("platform_server.cache")

WARN_EVERY_SECONDS = 60.0

T = TypeVar("T")


class RedisLink:
    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        retry_seconds: float,
        fallback: str = "the cache is bypassed",
    ) -> None:
        # Imported here: Redis is an optional extra, needed only when configured.
        from redis.asyncio import Redis
        from redis.exceptions import RedisError

        self.client = Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        # What a call to an unreachable, slow or misbehaving Redis raises.
        self.faults: tuple[type[Exception], ...] = (RedisError, OSError)
        self.retry_seconds = retry_seconds
        self._down_until = 0.0
        self._warned_at = -math.inf
        # What the warning says callers do meanwhile.
        self.fallback = fallback

    @property
    def up(self) -> bool:
        """False for `retry_seconds` after a failure."""
        return time.monotonic() >= self._down_until

    def failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        self._down_until = now + self.retry_seconds
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            # The exception names host and port, never the URL's password.
            logger.warning(
                "Redis is unreachable (%s: %s); %s until it answers "
                "(this warning repeats at most once a minute)",
                type(exc).__name__,
                exc,
                self.fallback,
            )

    def answered(self) -> None:
        if self._down_until:
            self._down_until = 0.0
            logger.info("Redis answers again; the cache is back in use")

    async def call(
        self, shared: Callable[[], Awaitable[T]], local: Callable[[], Awaitable[T]]
    ) -> T:
        """`shared()` while Redis answers; `local()` when it fails or is down."""
        if self.up:
            try:
                result = await shared()
            except self.faults as exc:
                self.failed(exc)
            else:
                self.answered()
                return result
        return await local()

    async def ping(self) -> bool:
        """Asks Redis now, even while down: the readiness probe's answer."""
        try:
            await self.client.ping()
        except self.faults as exc:
            self.failed(exc)
            return False
        self.answered()
        return True

    async def close(self) -> None:
        await self.client.aclose()
