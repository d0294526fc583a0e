"""Counting requests against limits: fixed windows, as the `limits` library's strategy
counts them, over its async storage: in Redis when configured (shared by every API
process; each hit is one atomic increment), in process memory otherwise or while
Redis is down."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, Storage
from limits.storage import storage_from_string
from prometheus_client import Counter

from platform_server.core.settings import Settings

logger = logging.getLogger("platform_server.gateway")

REJECTIONS = Counter(
    "platform_rate_limit_rejections_total",
    "Requests answered 429 by the rate limiter, by bucket.",
    ["bucket"],
)

# While Redis fails, the memory counters serve and Redis is tried again this often;
# the warning is logged at most this often.
_REDIS_RETRY_SECONDS = 5.0
_WARN_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class Bucket:
    """A named set of limits (`"user"`, `"auth-ip"`...)."""

    name: str
    items: tuple[RateLimitItem, ...]

    @classmethod
    def parse(cls, name: str, spec: str) -> Bucket:
        return cls(name, tuple(parse_many(spec)))


@dataclass
class Verdict:
    """One bucket's answer: allowed or not, and what the headers should say."""

    bucket: str
    allowed: bool
    # (policy name, quota, window seconds, remaining, seconds to reset) per limit.
    windows: list[tuple[str, int, int, int, int]] = field(default_factory=list)

    @property
    def retry_after(self) -> int:
        waits = [reset for _, _, _, remaining, reset in self.windows if remaining <= 0]
        return max(1, max(waits, default=1))


class _Windows:
    """Fixed windows over one `limits` storage, one round trip per limit.

    `Storage.incr` is the atomic step of `FixedWindowRateLimiter.hit` (the count and the
    window's expiry in one call: a Lua script in Redis, no check-then-increment), and it
    returns the count, so the verdict and what remains come from that one call. A window's
    end never moves once opened: it is asked once per window and remembered.
    """

    _PRUNE_AT = 10_000

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._ends: dict[str, float] = {}

    async def hit(self, item: RateLimitItem, identifiers: Sequence[str]) -> tuple[int, float]:
        """The count in the current window after this hit, and when that window ends."""
        key = item.key_for(*identifiers)
        count = await self.storage.incr(key, item.get_expiry())
        now = time.time()
        end = self._ends.get(key)
        if count == 1:  # this call opened the window
            end = now + item.get_expiry()
        elif end is None or end <= now:
            end = await self.storage.get_expiry(key)
        if len(self._ends) >= self._PRUNE_AT:
            self._ends = {k: v for k, v in self._ends.items() if v > now}
        self._ends[key] = end
        return count, end


class Limiter:
    def __init__(self, settings: Settings) -> None:
        self._memory = _Windows(MemoryStorage())
        self._shared: _Windows | None = None
        if settings.redis_url:
            storage = storage_from_string(
                f"async+{settings.redis_url}",
                implementation="redispy",
                key_prefix=f"{settings.redis_prefix}ratelimit",
                wrap_exceptions=True,
                socket_connect_timeout=2.0,
                socket_timeout=2.0,
            )
            if not isinstance(storage, Storage):  # an async+ URL makes an async storage
                raise TypeError(f"not an async rate-limit storage: {type(storage).__name__}")
            self._shared = _Windows(storage)
        self._redis_down_until = 0.0
        self._warned_at = -math.inf

    async def hit(self, bucket: Bucket, *identifiers: str) -> Verdict:
        """Counts one request for `identifiers` against every limit of `bucket`."""
        shared = self._shared
        if shared is not None and time.monotonic() >= self._redis_down_until:
            try:
                return await self._hit(shared, bucket, identifiers)
            except Exception as exc:
                self._redis_failed(exc)
        return await self._hit(self._memory, bucket, identifiers)

    async def _hit(self, windows: _Windows, bucket: Bucket, identifiers: Sequence[str]) -> Verdict:
        verdict = Verdict(bucket.name, allowed=True)
        many = len(bucket.items) > 1
        for item in bucket.items:
            count, end = await windows.hit(item, (bucket.name, *identifiers))
            if count > item.amount:
                verdict.allowed = False
            seconds = item.get_expiry()
            name = f"{bucket.name}-{seconds}s" if many else bucket.name
            reset = min(seconds, max(0, math.ceil(end - time.time())))
            verdict.windows.append((name, item.amount, seconds, max(0, item.amount - count), reset))
        if not verdict.allowed:
            REJECTIONS.labels(bucket=bucket.name).inc()
        return verdict

    def _redis_failed(self, exc: Exception) -> None:
        now = time.monotonic()
        self._redis_down_until = now + _REDIS_RETRY_SECONDS
        if now - self._warned_at >= _WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning(
                "rate limits: Redis is unreachable (%s); counting in this process until it is back",
                type(exc).__name__,
            )
