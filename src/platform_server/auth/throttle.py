"""Sliding-window counters for failed logins: in memory, or in Redis when configured.

Redis keeps the count shared between API processes behind a load balancer.
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections import deque
from typing import Protocol


class FailureCounter(Protocol):
    async def retry_after(self, key: str, limit: int, window: int) -> int:
        """Seconds until `key` may try again, 0 when it is under `limit`."""

    async def record(self, key: str, window: int) -> None: ...

    async def reset(self, key: str) -> None: ...


class MemoryFailureCounter:
    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = asyncio.Lock()

    def _live(self, key: str, window: int, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        return hits

    async def retry_after(self, key: str, limit: int, window: int) -> int:
        async with self._lock:
            now = time.monotonic()
            hits = self._live(key, window, now)
            if len(hits) < limit:
                return 0
            return max(1, math.ceil(hits[-limit] + window - now))

    async def record(self, key: str, window: int) -> None:
        async with self._lock:
            now = time.monotonic()
            self._live(key, window, now).append(now)

    async def reset(self, key: str) -> None:
        async with self._lock:
            self._hits.pop(key, None)

    def clear(self) -> None:
        self._hits.clear()


class RedisFailureCounter:
    """A sorted set per key, scored by time; old members trimmed on every call."""

    def __init__(self, url: str, prefix: str = "platform:") -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)
        self._prefix = prefix + "login-failures:"

    async def retry_after(self, key: str, limit: int, window: int) -> int:
        name = self._prefix + key
        now = time.time()
        await self._redis.zremrangebyscore(name, 0, now - window)
        hits = await self._redis.zrange(name, -limit, -limit, withscores=True)
        if await self._redis.zcard(name) < limit or not hits:
            return 0
        oldest_counted = float(hits[0][1])
        return max(1, math.ceil(oldest_counted + window - now))

    async def record(self, key: str, window: int) -> None:
        name = self._prefix + key
        now = time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(name, {f"{now}:{uuid.uuid4().hex}": now})
            pipe.expire(name, window)
            await pipe.execute()

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def close(self) -> None:
        await self._redis.aclose()
