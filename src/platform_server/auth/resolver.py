"""Resolving the caller from `Authorization: Bearer <JWT or API key>`: the auth
domain's `CallerResolver`, which `app.py` puts in the container for `core.access`.

Resolution reads outside any transaction, before the request's own one begins (so
a request never holds one pooled connection while it waits for a second, which
under load would leave every connection waiting on another),
and re-checks the user: a suspended user's tokens and keys stop working at once, and
role changes apply at once. The two reads need no common snapshot: a session or user
changed between them is caught on the next call. A verified caller is then reused for
a moment (`caller_cache.py`): a change to users, sessions or keys clears it in this
process when it commits, and other processes within `PLATFORM_CALLER_CACHE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.api_keys import api as api_keys
from platform_server.auth import api as auth
from platform_server.auth.caller_cache import CallerCache
from platform_server.core.database import Database, utcnow
from platform_server.core.errors import Forbidden, Unauthenticated
from platform_server.core.permissions import permissions_for
from platform_server.core.principal import Principal
from platform_server.core.security import API_KEY_PREFIX, TokenSigner, is_well_formed_api_key
from platform_server.core.settings import Settings
from platform_server.gateway.ratelimit import charge_caller
from platform_server.users import api as users

# last_used_at is a write; doing it at most this often keeps reads read-only.
_TOUCH_EVERY = timedelta(seconds=60)
# With PLATFORM_MFA_REQUIRED_FOR_STAFF, what a staff or admin session that has not
# passed a second factor may still call: enrolling, who am I, signing out.
_ENROLMENT_PATHS = frozenset(
    "/api/v1" + p for p in ("/auth/mfa/enroll", "/auth/mfa/confirm", "/auth/logout", "/users/me")
)


class BearerResolver:
    def __init__(self, settings: Settings, db: Database, signer: TokenSigner) -> None:
        self._settings = settings
        self._db = db
        self._signer = signer
        self._touching: set[uuid.UUID] = set()
        self._pending: dict[str, asyncio.Future[tuple[Principal, bool]]] = {}
        self.cache = CallerCache(settings.caller_cache_seconds, settings.caller_cache_max_entries)

    async def resolve(self, request: Request, token: str) -> Principal:
        is_key = token.startswith(API_KEY_PREFIX)
        if not is_key:
            # Signature and expiry first, on every call (the signer keeps the former).
            self._signer.verify(token)
        known = self.cache.get(token)
        if known is not None:
            principal, mfa = known.principal, known.mfa
        else:
            principal, mfa = await self._looked_up(token, is_key)
        self._require_mfa(request, principal.role, mfa)
        # Only a verified caller is charged to its own bucket (a 429 when it is spent).
        await charge_caller(request, principal)
        return principal

    async def _looked_up(self, token: str, is_key: bool) -> tuple[Principal, bool]:
        """One database lookup per credential at a time: when a cached caller expires
        under load, its concurrent requests share one lookup instead of each making
        their own (and queueing for the pool behind each other)."""
        pending = self._pending.get(token)
        if pending is None:
            lookup = self._resolve_api_key(token) if is_key else self._resolve_token(token)
            pending = self._pending[token] = asyncio.ensure_future(lookup)
            pending.add_done_callback(lambda done: self._forget(token, done))
        # Shielded: a client that hangs up does not cancel the lookup the others await.
        return await asyncio.shield(pending)

    def _forget(self, token: str, done: asyncio.Future[tuple[Principal, bool]]) -> None:
        self._pending.pop(token, None)
        if not done.cancelled():
            done.exception()  # retrieved here too, in case every waiter hung up

    async def _resolve_token(self, token: str) -> tuple[Principal, bool]:
        db = self._db
        claims = self._signer.verify(token)
        generation = self.cache.generation
        async with db.lookups() as session:
            record = await auth.active_session(session, claims.session_id)
            user = await users.identity(session, claims.user_id) if record else None
        if record is None or user is None or record.user_id != user.id:
            raise Unauthenticated("The session behind this token has ended; sign in again.")
        if user.status != "active":
            raise Unauthenticated("The account is suspended.")
        if utcnow() - record.last_used_at > _TOUCH_EVERY:
            await self._touch(record.id, auth.touch_session)
        principal = Principal.of_role(
            user.id, user.email, user.role, session_id=record.id, email_verified=user.email_verified
        )
        expires = min(record.expires_at, claims.expires_at)
        mfa = bool(record.mfa)
        self.cache.put(token, principal, mfa=mfa, generation=generation, expires_at=expires)
        return principal, mfa

    async def _touch(
        self, record_id: uuid.UUID, touch: Callable[[AsyncSession, uuid.UUID], Awaitable[None]]
    ) -> None:
        """Notes a session's or key's use. A burst of requests by one client that all find
        it due writes it once: the others would only queue on the same row lock."""
        if record_id in self._touching:
            return
        self._touching.add(record_id)
        try:
            async with self._db.transaction() as session:
                await touch(session, record_id)
        finally:
            self._touching.discard(record_id)

    def _require_mfa(self, request: Request, role: str, mfa: bool) -> None:
        if (
            self._settings.mfa_required_for_staff
            and not mfa
            and role in ("admin", "staff")
            and request.url.path not in _ENROLMENT_PATHS
        ):
            raise Forbidden(
                "Your role requires two-factor sign-in: enroll (POST /api/v1/auth/mfa/enroll, "
                "then /confirm) or sign in again with your code.",
                title="Two-factor enrolment required",
                type="/problems/mfa-enrollment-required",
            )

    async def _resolve_api_key(self, token: str) -> tuple[Principal, bool]:
        db = self._db
        if not is_well_formed_api_key(token):
            raise Unauthenticated("The API key is malformed (its checksum does not match).")
        generation = self.cache.generation
        async with db.lookups() as session:
            key = await api_keys.find_active(session, self._settings, token)
            user = await users.identity(session, key.user_id) if key else None
        if key is None or user is None:
            raise Unauthenticated("The API key is not valid, or was revoked or has expired.")
        if user.status != "active":
            raise Unauthenticated("The account is suspended.")
        now = utcnow()
        if key.last_used_at is None or now - key.last_used_at > _TOUCH_EVERY:
            await self._touch(key.id, lambda session, key_id: api_keys.touch(session, key_id, now))
        # Scopes narrow what the key can do; a role change narrows it further at once.
        role_permissions = permissions_for(user.role)
        principal = Principal(
            user_id=user.id,
            email=user.email,
            role=user.role,
            permissions=frozenset(p for p in role_permissions if p.value in key.scopes),
            api_key_id=key.id,
            email_verified=user.email_verified,
        )
        self.cache.put(token, principal, mfa=True, generation=generation, expires_at=key.expires_at)
        # A key is not a sign-in: the second-factor rule is for sessions.
        return principal, True
