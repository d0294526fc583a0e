"""Login, refresh-token rotation with reuse detection, logout and sessions."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.auth.models import RefreshToken, Session
from platform_server.auth.schemas import SessionOut, TokenPair
from platform_server.core import direct
from platform_server.core.database import Database, table_of, utcnow
from platform_server.core.direct import Direct
from platform_server.core.errors import NotFound, RateLimited, Unauthenticated
from platform_server.core.pagination import Page, PageParams, paginate
from platform_server.core.principal import Principal
from platform_server.core.security import (
    TokenSigner,
    keyed_hash,
    new_refresh_token,
    password_needs_rehash,
)
from platform_server.core.settings import Settings
from platform_server.core.throttle import FailureCounter
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

    async def login(
        self, email: str, password: str, *, user_agent: str | None, ip: str | None
    ) -> TokenPair:
        email = email.strip().lower()
        s = self.settings
        window = s.login_failure_window_seconds
        account_key, ip_key = f"account:{email}", f"ip:{ip or 'unknown'}"
        wait = max(
            await self.failures.retry_after(account_key, s.login_max_failures_per_account, window),
            await self.failures.retry_after(ip_key, s.login_max_failures_per_ip, window),
        )
        if wait:
            raise RateLimited(
                f"Too many failed sign-ins; try again in {wait} seconds.", retry_after=wait
            )
        # Read and verify outside the write transaction: hashing is slow and SQLite has one writer.
        async with self.db.transaction(write=False) as session:
            user = await users.find_by_email(session, email)
        ok = await users.verify_password_async(user.password_hash if user else None, password)
        if not ok or user is None or user.status != "active":
            await self.failures.record(account_key, window)
            await self.failures.record(ip_key, window)
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
        await self.failures.reset(account_key)
        new_hash = None
        if password_needs_rehash(user.password_hash):
            new_hash = await users.hash_password_async(password)
        async with self.db.transaction() as session:
            if new_hash:
                await users.set_password_hash(session, user.id, new_hash)
            pair = await self._open_session(session, user.id, user_agent, ip)
            signed_in = Principal(
                user_id=user.id, email=user.email, role=user.role, permissions=frozenset()
            )
            await audit.record(
                session, "auth.login", actor=signed_in, target_type="user", target_id=user.id
            )
            return pair

    async def _open_session(
        self, session: AsyncSession, user_id: uuid.UUID, user_agent: str | None, ip: str | None
    ) -> TokenPair:
        record = Session(
            user_id=user_id,
            user_agent=(user_agent or "")[:500] or None,
            ip_address=ip,
            expires_at=utcnow() + timedelta(days=self.settings.refresh_token_days),
        )
        session.add(record)
        await session.flush()  # the session row first: refresh tokens reference it
        return await self._issue(session, record)

    async def _issue(self, session: AsyncSession, record: Session) -> TokenPair:
        refresh = new_refresh_token()
        session.add(
            RefreshToken(token_hash=keyed_hash(self.settings, refresh), session_id=record.id)
        )
        await session.flush()
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
        stored = await session.get(RefreshToken, keyed_hash(self.settings, token))
        if stored is None:
            return Unauthenticated("The refresh token is not valid.")
        # Lock the session, then re-read the token: two racing refreshes see each other.
        record = await session.get(Session, stored.session_id, with_for_update=True)
        await session.refresh(stored)
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
        session_id = actor.session_id
        if refresh_token:
            stored = await session.get(RefreshToken, keyed_hash(self.settings, refresh_token))
            if stored is None:
                raise Unauthenticated("The refresh token is not valid.")
            session_id = stored.session_id
        if session_id is None:
            return  # an API key has no session to end
        await revoke_session(session, actor, session_id)


async def list_sessions(
    session: AsyncSession, actor: Principal, page: PageParams
) -> Page[SessionOut]:
    def to_schema(row: Session) -> SessionOut:
        out = SessionOut.model_validate(row)
        out.current = row.id == actor.session_id
        return out

    return await paginate(
        session,
        select(Session).where(Session.user_id == actor.user_id),
        created_at=Session.created_at,
        row_id=Session.id,
        page=page,
        to_schema=to_schema,
    )


async def revoke_session(session: AsyncSession, actor: Principal, session_id: uuid.UUID) -> None:
    record = await session.get(Session, session_id)
    if record is None or record.user_id != actor.user_id:
        raise NotFound(f"Session {session_id} does not exist.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    await session.flush()


# Read on every authenticated request: built once, and plain rows, not ORM objects.
# From the table, not the mapped class: every authenticated request runs it.
_sessions = table_of(Session)
_ACTIVE_SESSION = Direct(
    select(
        _sessions.c.id, _sessions.c.user_id, _sessions.c.last_used_at, _sessions.c.expires_at
    ).where(_sessions.c.id == bindparam("session_id"), _sessions.c.revoked_at.is_(None))
)


async def active_session(session: AsyncSession, session_id: uuid.UUID) -> Any | None:
    """The session's id, user_id, last_used_at and expires_at, if it is still valid."""
    record = await direct.first(session, _ACTIVE_SESSION, {"session_id": session_id})
    if record is None or record.expires_at <= utcnow():
        return None
    return record


async def touch_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    await session.execute(
        update(Session).where(Session.id == session_id).values(last_used_at=utcnow())
    )


@users.user_deleted.connect
async def _forget_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(Session).where(Session.user_id == user_id))


@users.credentials_changed.connect
async def _revoke_other_sessions(
    session: AsyncSession, user_id: uuid.UUID, keep: uuid.UUID | None
) -> None:
    stmt = update(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(Session.id != keep)
    await session.execute(stmt.values(revoked_at=utcnow()))
