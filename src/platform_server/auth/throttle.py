"""The failed sign-in throttle, and the sliding-window counters it keeps.

Three counts over `login_failure_window_seconds` (OWASP Authentication Cheat Sheet):

- per (account, client address) pair: `login_pair_free_failures` are free, then the
  pair waits base, 2 x base, 4 x base ... seconds (capped) after each failure. A success
  from the pair clears it. The owner, at another address, is not slowed by a stranger.
- per address across accounts (`login_max_failures_per_ip`): password spraying.
- per account whatever the address (`login_max_failures_per_account`): the high last
  resort against many addresses; everyone waits, and the owner is told once by email.

Unknown emails are counted exactly like known ones, so the answers reveal nothing.
The counts live in Redis when configured (shared by every API process; each update
is one MULTI/EXEC transaction), in process memory otherwise and while Redis is down.
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Protocol

from platform_server.cache.redis_link import RedisLink
from platform_server.core.settings import Settings


class FailureCounter(Protocol):
    async def record(self, key: str, window: int) -> int:
        """Counts one failure now: the failures of the last `window` seconds."""

    async def recent(self, key: str, window: int, nth: int) -> tuple[int, float]:
        """The failures of the last `window` seconds, and how many seconds ago the
        `nth` newest was (infinity when there are fewer)."""

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


class MemoryFailureCounter:
    _PRUNE_AT = 50_000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = asyncio.Lock()
        self._clock = clock

    def _live(self, key: str, window: int, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        return hits

    async def record(self, key: str, window: int) -> int:
        async with self._lock:
            now = self._clock()
            if len(self._hits) >= self._PRUNE_AT:
                # Strangers' guesses at made-up emails must not grow memory for ever.
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - window}
            hits = self._live(key, window, now)
            hits.append(now)
            return len(hits)

    async def recent(self, key: str, window: int, nth: int) -> tuple[int, float]:
        async with self._lock:
            now = self._clock()
            hits = self._live(key, window, now)
            if len(hits) < nth:
                return len(hits), math.inf
            return len(hits), now - hits[-nth]

    async def reset(self, key: str) -> None:
        async with self._lock:
            self._hits.pop(key, None)

    def clear(self) -> None:
        self._hits.clear()

    async def close(self) -> None:
        return None


class RedisFailureCounter:
    """A sorted set per key, scored by time, trimmed in the same transaction.

    While Redis is unreachable the counts are kept in this process's memory (the
    `RedisLink` warns at most once a minute and tries Redis again after a few seconds):
    a sign-in never fails because the throttle's store does.
    """

    def __init__(self, link: RedisLink, prefix: str = "platform:") -> None:
        self.link = link
        self._redis = link.client
        self._prefix = prefix + "login-failures:"
        self.memory = MemoryFailureCounter()

    @classmethod
    def from_settings(cls, settings: Settings, url: str) -> RedisFailureCounter:
        link = RedisLink(
            url,
            timeout=settings.cache_redis_timeout_seconds,
            retry_seconds=settings.cache_redis_retry_seconds,
            fallback="failed sign-ins are counted in this process",
        )
        return cls(link, settings.redis_prefix)

    async def record(self, key: str, window: int) -> int:
        async def shared() -> int:
            name, now = self._prefix + key, time.time()
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(name, 0, now - window)
                pipe.zadd(name, {f"{now}:{uuid.uuid4().hex}": now})
                pipe.zcard(name)
                pipe.expire(name, window)
                _, _, count, _ = await pipe.execute()
            return int(count)

        return await self.link.call(shared, lambda: self.memory.record(key, window))

    async def recent(self, key: str, window: int, nth: int) -> tuple[int, float]:
        async def shared() -> tuple[int, float]:
            name, now = self._prefix + key, time.time()
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(name, 0, now - window)
                pipe.zcard(name)
                pipe.zrange(name, -nth, -nth, withscores=True)
                _, count, found = await pipe.execute()
            if int(count) < nth or not found:
                return int(count), math.inf
            return int(count), now - float(found[0][1])

        return await self.link.call(shared, lambda: self.memory.recent(key, window, nth))

    async def reset(self, key: str) -> None:
        async def shared() -> None:
            await self._redis.delete(self._prefix + key)

        await self.memory.reset(key)
        await self.link.call(shared, lambda: self.memory.reset(key))

    async def close(self) -> None:
        await self.link.close()


def failure_counter(settings: Settings) -> FailureCounter:
    if settings.redis_url:
        return RedisFailureCounter.from_settings(settings, settings.redis_url)
    return MemoryFailureCounter()


def pair_delay(failures: int, settings: Settings) -> int:
    """Seconds a pair with `failures` recent failures waits after its last one."""
    over = failures - settings.login_pair_free_failures
    if over < 0:
        return 0
    delay = settings.login_pair_base_delay_seconds << min(over, 32)
    return min(delay, settings.login_pair_max_delay_seconds)


class LoginThrottle:
    def __init__(self, settings: Settings, counter: FailureCounter) -> None:
        self.settings = settings
        self.counter = counter

    @staticmethod
    def _keys(email: str, ip: str | None) -> tuple[str, str, str]:
        address = ip or "unknown"
        return f"account:{email}", f"ip:{address}", f"pair:{address}:{email}"

    async def wait(self, email: str, ip: str | None) -> int:
        """Seconds before this address may try this account again; 0: now."""
        s, count = self.settings, self.counter
        window = s.login_failure_window_seconds
        account, address, pair = self._keys(email, ip)
        waits = [0.0]
        for key, limit in (
            (account, s.login_max_failures_per_account),
            (address, s.login_max_failures_per_ip),
        ):
            failures, age = await count.recent(key, window, limit)
            if failures >= limit:
                waits.append(window - age)
        failures, age = await count.recent(pair, window, 1)
        delay = pair_delay(failures, s)
        if delay:
            waits.append(delay - age)
        longest = max(waits)
        return max(1, math.ceil(longest)) if longest > 0 else 0

    async def failed(self, email: str, ip: str | None) -> bool:
        """Counts a failure; True when it reached the account's ceiling and the owner
        has not been told so within the window (one email, not one per failure that
        reaches it again as old ones leave the window)."""
        window = self.settings.login_failure_window_seconds
        account, address, pair = self._keys(email, ip)
        await self.counter.record(pair, window)
        await self.counter.record(address, window)
        if (
            await self.counter.record(account, window)
            < self.settings.login_max_failures_per_account
        ):
            return False
        told = f"told:{email}"
        if (await self.counter.recent(told, window, 1))[0]:
            return False
        return await self.counter.record(told, window) == 1

    async def succeeded(self, email: str, ip: str | None) -> None:
        """The pair starts afresh; the address and account counts are kept (a success
        with the attacker's own account must not clear them)."""
        await self.counter.reset(self._keys(email, ip)[2])
