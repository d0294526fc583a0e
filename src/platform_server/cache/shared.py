"""A namespace of cached response bodies, shared by every API process through Redis.

Entries are keyed by the namespace's current *version*, a random token in Redis.
Invalidating sets a new token: every process's next lookup reads the new one and
misses, so nothing stale is served after a write's response went out, and the old
entries simply expire. A lookup reads the version and the entry in one round trip
(a Lua script); the body is stored under the version read *before* the database was
queried, so a write that commits in between orphans that entry instead of leaving
it current. Tokens rather than a counter: a version key lost to eviction or a flush
becomes a new token, never an old number whose entries may still exist.

Without Redis, the same happens in process memory (`MicroCache`), which is right for
one process only. With Redis configured but unreachable, lookups bypass the cache
(no in-process fallback: another process's writes could not reach it), and a failed
invalidation is retried before this process uses Redis again.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.cache.microcache import MicroCache
from platform_server.cache.redis_link import RedisLink
from platform_server.cache.stale import take_stale
from platform_server.core.settings import Settings

REQUESTS = Counter(
    "platform_cache_requests",
    "Cache lookups by cache and result (hit, miss, or error when Redis failed).",
    ["cache", "result"],
)

# KEYS[1] the version key; ARGV: entry prefix, a token to start with, the entry's digest.
_LOOKUP = """
local version = redis.call('GET', KEYS[1])
if not version then
  version = ARGV[2]
  redis.call('SET', KEYS[1], version)
  return {version, false}
end
return {version, redis.call('GET', ARGV[1] .. version .. ':' .. ARGV[3])}
"""


@dataclass(frozen=True, slots=True)
class Lookup:
    body: bytes | None
    # Where a body computed now may be stored; None: do not store it.
    key: str | None


_BYPASS = Lookup(None, None)


class _Abandoned(Exception):
    """The request filling an entry failed or went away: each waiter computes its own."""


class SharedCache:
    def __init__(
        self,
        namespace: str,
        ttl_seconds: float,
        *,
        link: RedisLink | None = None,
        prefix: str = "platform:",
        max_local_entries: int = 2048,
    ) -> None:
        self.namespace = namespace
        self.ttl = ttl_seconds
        self.link = link
        self._local: MicroCache[bytes] = MicroCache(ttl_seconds, max_local_entries)
        self._local_version = 0
        self._version_key = f"{prefix}cache:{namespace}:version"
        self._entry_prefix = f"{prefix}cache:{namespace}:"
        self._pending_invalidation = False
        self._hits = REQUESTS.labels(namespace, "hit")
        self._misses = REQUESTS.labels(namespace, "miss")
        self._errors = REQUESTS.labels(namespace, "error")
        self._lookup = link.client.register_script(_LOOKUP) if link else None
        # Entries being computed now, by the key `store` would keep them under.
        self._filling: dict[str, asyncio.Future[bytes]] = {}

    @classmethod
    def from_settings(cls, settings: Settings, namespace: str) -> SharedCache:
        link = None
        if settings.redis_url:
            link = RedisLink(
                settings.redis_url,
                timeout=settings.cache_redis_timeout_seconds,
                retry_seconds=settings.cache_redis_retry_seconds,
            )
        return cls(
            namespace,
            settings.catalog_cache_seconds,
            link=link,
            prefix=settings.redis_prefix,
            max_local_entries=settings.catalog_cache_max_entries,
        )

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    async def lookup(self, key: str) -> Lookup:
        if self.link is None:
            return self._count(Lookup(self._local.get(key), f"{self._local_version}:{key}"))
        if not self.link.up or self._lookup is None:
            self._errors.inc()
            return _BYPASS
        try:
            if self._pending_invalidation:
                await self._set_new_version()
            digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
            version, body = await self._lookup(
                keys=[self._version_key], args=[self._entry_prefix, secrets.token_hex(8), digest]
            )
        except self.link.faults as exc:
            self.link.failed(exc)
            self._errors.inc()
            return _BYPASS
        self.link.answered()
        return self._count(Lookup(body, f"{self._entry_prefix}{version.decode()}:{digest}"))

    def _count(self, found: Lookup) -> Lookup:
        (self._misses if found.body is None else self._hits).inc()
        return found

    async def fill(self, found: Lookup, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        """The body for a miss, computed once in this process however many requests
        miss it at the same moment (the others wait for that one), then stored.

        When an entry expires under load, every request in flight misses it together:
        each ran the query on its own and, 32 at once, queued for the database and the
        CPU for 300-700 ms (docs/benchmarks.md). The key carries the cache's version, so
        a request that looked up after an invalidation never waits for an older body."""
        if found.key is None or not self.enabled:
            return await compute()
        pending = self._filling.get(found.key)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except _Abandoned:
                return await compute()
        filling: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._filling[found.key] = filling
        try:
            body = await compute()
        except BaseException:
            filling.set_exception(_Abandoned())
            filling.exception()  # retrieved: nobody may be waiting
            raise
        finally:
            self._filling.pop(found.key, None)
        filling.set_result(body)
        await self.store(found, body)
        return body

    async def store(self, found: Lookup, body: bytes) -> None:
        if found.key is None or not self.enabled:
            return
        if self.link is None:
            version, _, key = found.key.partition(":")
            # A write since the lookup may have made `body` stale: it is not kept.
            if int(version) == self._local_version:
                self._local.put(key, body)
            return
        try:
            await self.link.client.set(found.key, body, px=max(1, round(self.ttl * 1000)))
        except self.link.faults as exc:
            self.link.failed(exc)

    async def invalidate(self) -> None:
        """Every process's next lookup misses. Never raises: with Redis down, the
        invalidation is retried before this process uses Redis again."""
        self._local_version += 1
        self._local.clear()
        if self.link is None:
            return
        self._pending_invalidation = True
        try:
            await self._set_new_version()
        except self.link.faults as exc:
            self.link.failed(exc)

    async def _set_new_version(self) -> None:
        assert self.link is not None
        await self.link.client.set(self._version_key, secrets.token_hex(8))
        self._pending_invalidation = False

    async def after_commit(self, session: AsyncSession) -> None:
        """The commit hook: invalidates when the transaction marked this namespace."""
        if take_stale(session, self.namespace):
            await self.invalidate()

    async def close(self) -> None:
        if self.link is not None:
            await self.link.close()
