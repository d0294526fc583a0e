"""Login, refresh-token rotation with reuse detection, logout and sessions."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.auth import repository
from platform_server.auth.mfa import service as mfa
from platform_server.auth.models import Session
from platform_server.auth.schemas import SessionOut, TokenPair
from platform_server.auth.throttle import FailureCounter, LoginThrottle
from platform_server.core.database import Database, utcnow
from platform_server.core.errors import NotFound, RateLimited, Unauthenticated
from platform_server.core.pagination import Page, PageParams
from platform_server.core.principal import Principal
from platform_server.core.request_context import current_client_ip
from platform_server.core.security import (
    TokenSigner,
    keyed_hash,
    new_refresh_token,
    password_needs_rehash,
)
from platform_server.core.settings import Settings
from platform_server.notifications import api as notifications
from platform_server.users import api as users

BAD_CREDENTIALS = "The email or password is incorrect."


class Authenticator:
    def __init__(
        self, settings: Settings, db: Database, signer: TokenSigner, failures: FailureCounter
    ) -> None:
        self.settings = settings
        self.db = db
        self.signer = signer
        self.failures = failures
        self.throttle = LoginThrottle(settings, failures)

    async def login(
        self, email: str, password: str, *, user_agent: str | None, ip: str | None
    ) -> TokenPair:
        email = email.strip().lower()
        await self.refuse_if_throttled(email, ip)
        # Read and verify outside the write transaction: hashing is slow and SQLite has one writer.
        async with self.db.transaction(write=False) as session:
            user = await users.find_by_email(session, email)
            second_factor = user is not None and await mfa.enabled(session, user.id)
        ok = await users.verify_password_async(user.password_hash if user else None, password)
        if not ok or user is None or user.status != "active":
            await self.count_failure(email, ip)
            # In a transaction of its own, so it stays although the request fails. The
            # email tried is kept, never the password.
            reason = "unknown_email" if user is None else "bad_password" if not ok else "suspended"
            await audit.record_now(
                self.db,
                "auth.login_failed",
                actor_email=email[:255],
                target_type="user" if user else None,
                target_id=user.id if user else None,
                changes={"reason": reason},
            )
            # A suspended account gets the same answer as a wrong password.
            raise Unauthenticated(BAD_CREDENTIALS)
        if second_factor:  # the failure count is reset once the code is right too
            raise mfa.challenge(self.settings, user.id)
        await self.clear_failures(email, ip)
        new_hash = None
        if password_needs_rehash(user.password_hash):
            new_hash = await users.hash_password_async(password)
        async with self.db.transaction() as session:
            if new_hash:
                await users.set_password_hash(session, user.id, new_hash)
            pair = await self.open_session(session, user.id, user_agent, ip)
            signed_in = Principal(
                user_id=user.id, email=user.email, role=user.role, permissions=frozenset()
            )
            await audit.record(
                session, "auth.login", actor=signed_in, target_type="user", target_id=user.id
            )
            return pair

    # The failed sign-in throttle (wrong passwords and wrong second-factor codes):
    # per (account, address) pair, per address, and the per-account ceiling
    # (auth/throttle.py; docs/server.md "Failed sign-ins").

    async def refuse_if_throttled(self, email: str, ip: str | None) -> None:
        """429 while this address must wait before trying this account again."""
        wait = await self.throttle.wait(email, ip)
        if wait:
            # The same answer whether or not the account exists, whichever count it is.
            raise RateLimited(
                f"Too many failed sign-ins; try again in {wait} second{'' if wait == 1 else 's'}.",
                retry_after=wait,
            )

    async def count_failure(self, email: str, ip: str | None) -> None:
        """Counts a failure; the one that reaches the account's ceiling emails the owner."""
        if await self.throttle.failed(email, ip):
            await self._tell_owner(email)

    async def clear_failures(self, email: str, ip: str | None = None) -> None:
        """A success: this address starts afresh with this account."""
        await self.throttle.succeeded(email, ip if ip is not None else current_client_ip())

    async def _tell_owner(self, email: str) -> None:
        """One email to the owner (if the account exists): sign-in is paused a while.
        It names no address and no password."""
        s = self.settings
        context = {
            "failures": s.login_max_failures_per_account,
            "window_minutes": max(1, s.login_failure_window_seconds // 60),
        }
        async with self.db.transaction() as session:
            user = await users.find_by_email(session, email)
            if user is not None:
                await notifications.queue_for_user(session, user.id, "login_ceiling", context)

    async def open_session(
        self,
        session: AsyncSession,
        user_id: uuid.UUID,
        user_agent: str | None,
        ip: str | None,
        *,
        mfa: bool = False,
    ) -> TokenPair:
        record = Session(
            user_id=user_id,
            mfa=mfa,
            user_agent=(user_agent or "")[:500] or None,
            ip_address=ip,
            expires_at=utcnow() + timedelta(days=self.settings.refresh_token_days),
        )
        await repository.add_session(session, record)
        return await self._issue(session, record)

    async def _issue(self, session: AsyncSession, record: Session) -> TokenPair:
        refresh = new_refresh_token()
        await repository.add_refresh_token(session, keyed_hash(self.settings, refresh), record.id)
        return TokenPair(
            access_token=self.signer.issue(record.user_id, record.id),
            refresh_token=refresh,
            expires_in=int(self.signer.ttl.total_seconds()),
        )

    async def refresh(self, token: str, *, user_agent: str | None, ip: str | None) -> TokenPair:
        # Its own transaction: a detected reuse must commit the revocation and still fail.
        async with self.db.transaction() as session:
            outcome = await self._rotate(session, token, user_agent, ip)
        if isinstance(outcome, Unauthenticated):
            raise outcome
        return outcome

    async def _rotate(
        self, session: AsyncSession, token: str, user_agent: str | None, ip: str | None
    ) -> TokenPair | Unauthenticated:
        stored = await repository.get_refresh_token(session, keyed_hash(self.settings, token))
        if stored is None:
            return Unauthenticated("The refresh token is not valid.")
        # Lock the session, then re-read the token: two racing refreshes see each other.
        record = await repository.get_session(session, stored.session_id, lock=True)
        await repository.reload(session, stored)
        now = utcnow()
        if record is None or record.revoked_at is not None or record.expires_at <= now:
            return Unauthenticated("The session has ended; sign in again.")
        if stored.rotated_at is not None:
            # A rotated token came back: it was copied. End the session for both holders.
            record.revoked_at = now
            return Unauthenticated("The refresh token was already used; the session is revoked.")
        user = await users.identity(session, record.user_id)
        if user is None or user.status != "active":
            return Unauthenticated("The account is not active.")
        stored.rotated_at = now
        record.last_used_at = now
        record.expires_at = now + timedelta(days=self.settings.refresh_token_days)
        if user_agent:
            record.user_agent = user_agent[:500]
        record.ip_address = ip or record.ip_address
        return await self._issue(session, record)

    async def logout(
        self, session: AsyncSession, actor: Principal, refresh_token: str | None
    ) -> None:
        """Ends the session of this access token, or the one of the given refresh token."""
        session_id = actor.session_id
        if refresh_token:
            token_hash = keyed_hash(self.settings, refresh_token)
            stored = await repository.get_refresh_token(session, token_hash)
            if stored is None:
                raise Unauthenticated("The refresh token is not valid.")
            session_id = stored.session_id
        if session_id is None:
            return  # an API key has no session to end
        await _end_session(session, actor, session_id)
        target_id = None if refresh_token else actor.session_id
        await _audit(session, "auth.logout", actor, target_id)


async def _audit(
    session: AsyncSession, action: str, actor: Principal, session_id: uuid.UUID | None
) -> None:
    await audit.record(session, action, actor=actor, target_type="session", target_id=session_id)


async def list_sessions(
    session: AsyncSession, actor: Principal, page: PageParams
) -> Page[SessionOut]:
    def to_schema(row: Session) -> SessionOut:
        out = SessionOut.model_validate(row)
        out.current = row.id == actor.session_id
        return out

    return await repository.list_for_user(session, actor.user_id, page, to_schema)


async def revoke_session(session: AsyncSession, actor: Principal, session_id: uuid.UUID) -> None:
    await _end_session(session, actor, session_id)
    await _audit(session, "session.revoke", actor, session_id)


async def _end_session(session: AsyncSession, actor: Principal, session_id: uuid.UUID) -> None:
    record = await repository.get_session(session, session_id)
    if record is None or record.user_id != actor.user_id:
        raise NotFound(f"Session {session_id} does not exist.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    await repository.flush(session)


async def active_session(session: AsyncSession, session_id: uuid.UUID) -> Any | None:
    """The session's id, user_id, last_used_at, expires_at and mfa, if it is still valid."""
    record = await repository.unrevoked_session(session, session_id)
    if record is None or record.expires_at <= utcnow():
        return None
    return record


async def touch_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    await repository.touch(session, session_id, utcnow())


@users.user_deleted.connect
async def _forget_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    await repository.delete_for_user(session, user_id)


@users.credentials_changed.connect
async def _revoke_other_sessions(
    session: AsyncSession, user_id: uuid.UUID, keep: uuid.UUID | None
) -> None:
    await repository.revoke_all(session, user_id, keep, utcnow())
