"""Verified callers, kept briefly so a client's next requests skip two reads.

Keyed by the bearer credential (a JWT or an API key, held in memory only, as the
token signer's own cache does). An entry is dropped:
- in this process, at once, when a transaction that changed an existing user,
  session or API key row commits (`cache/stale.py` watches those tables whatever the
  code path, and `Database.transaction` runs `after_commit` before the response of the
  revoking request is sent);
- in every other process, after `PLATFORM_CALLER_CACHE_SECONDS` (2 s by default);
- when the session or key it stands for expires, whichever comes first.

A lookup that raced with a revocation is not stored: `generation` is read before
the database is, and an entry is kept only if no invalidation happened since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.cache.microcache import MicroCache
from platform_server.cache.stale import CALLERS, take_stale, watch_tables
from platform_server.core.database import utcnow
from platform_server.core.principal import Principal

# Rows whose change can revoke or narrow a caller (users: status, role, deletion;
# sessions: revoked_at; api_keys: revoked_at, scopes).
watch_tables(CALLERS, frozenset({"users", "sessions", "api_keys"}))


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    # Whether the session passed a second factor (the MFA rule depends on the path).
    mfa: bool


class CallerCache:
    def __init__(self, ttl_seconds: float, max_entries: int) -> None:
        self.generation = 0
        self._callers: MicroCache[Caller] = MicroCache(ttl_seconds, max_entries)

    def get(self, credential: str) -> Caller | None:
        return self._callers.get(credential)

    def put(
        self,
        credential: str,
        principal: Principal,
        *,
        mfa: bool,
        generation: int,
        expires_at: datetime | None,
    ) -> None:
        """Keeps the caller unless an invalidation happened since `generation` was read;
        never past `expires_at` (the session's or key's own end)."""
        if generation != self.generation:
            return
        seconds = None if expires_at is None else (expires_at - utcnow()).total_seconds()
        self._callers.put(credential, Caller(principal, mfa), seconds=seconds)

    def clear(self) -> None:
        self.generation += 1
        self._callers.clear()

    async def after_commit(self, session: AsyncSession) -> None:
        """The commit hook: a transaction that changed users, sessions or keys clears it."""
        if take_stale(session, CALLERS):
            self.clear()
