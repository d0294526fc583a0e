"""All of the auth domain's SQL: refresh sessions and their refresh tokens."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.auth.models import AccountToken, RefreshToken, Session
from platform_server.auth.schemas import SessionOut
from platform_server.cache.stale import note_last_use
from platform_server.core import direct
from platform_server.core.database import table_of
from platform_server.core.direct import Direct
from platform_server.core.pagination import Page, PageParams, newest_first
from platform_server.core.rows import count_rows, spend


async def add_session(session: AsyncSession, record: Session) -> None:
    session.add(record)
    await session.flush()  # the session row first: refresh tokens reference it


async def add_refresh_token(session: AsyncSession, token_hash: str, session_id: uuid.UUID) -> None:
    session.add(RefreshToken(token_hash=token_hash, session_id=session_id))
    await session.flush()


async def get_refresh_token(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    return await session.get(RefreshToken, token_hash)


async def get_session(
    session: AsyncSession, session_id: uuid.UUID, *, lock: bool = False
) -> Session | None:
    return await session.get(Session, session_id, with_for_update=lock)


async def reload(session: AsyncSession, row: RefreshToken) -> None:
    await session.refresh(row)


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def list_for_user(
    session: AsyncSession,
    user_id: uuid.UUID,
    page: PageParams,
    to_out: Callable[[Session], SessionOut],
) -> Page[SessionOut]:
    mine = select(Session).where(Session.user_id == user_id)
    return await newest_first(session, mine, Session, page, to_out)


# Read on every authenticated request: built once, and plain rows, not ORM objects.
# From the table, not the mapped class: every authenticated request runs it.
_sessions = table_of(Session)
_ACTIVE_SESSION = Direct(
    select(
        _sessions.c.id,
        _sessions.c.user_id,
        _sessions.c.last_used_at,
        _sessions.c.expires_at,
        _sessions.c.mfa,
    ).where(_sessions.c.id == bindparam("session_id"), _sessions.c.revoked_at.is_(None))
)


async def unrevoked_session(session: AsyncSession, session_id: uuid.UUID) -> Any | None:
    """The row (id, user_id, last_used_at, expires_at, mfa) of a session not revoked, or None."""
    return await direct.first(session, _ACTIVE_SESSION, {"session_id": session_id})


async def touch(session: AsyncSession, session_id: uuid.UUID, when: datetime) -> None:
    await note_last_use(session, Session, session_id, when)


async def delete_for_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(Session).where(Session.user_id == user_id))


async def revoke_all(
    session: AsyncSession, user_id: uuid.UUID, keep: uuid.UUID | None, when: datetime
) -> None:
    """Revoke the user's sessions that are live, but `keep`."""
    stmt = update(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(Session.id != keep)
    await session.execute(stmt.values(revoked_at=when))


async def add_account_token(session: AsyncSession, token: AccountToken) -> None:
    session.add(token)
    await session.flush()


async def account_token(session: AsyncSession, token_hash: str) -> AccountToken | None:
    """The token with this hash (any purpose), locked until the transaction ends."""
    found = await session.execute(
        select(AccountToken).where(AccountToken.token_hash == token_hash).with_for_update()
    )
    return found.scalar_one_or_none()


async def account_tokens_since(
    session: AsyncSession, user_id: uuid.UUID, purpose: str, since: datetime
) -> int:
    mine = (AccountToken.user_id == user_id, AccountToken.purpose == purpose)
    return await count_rows(session, AccountToken, *mine, AccountToken.created_at >= since)


async def use_account_tokens(
    session: AsyncSession, user_id: uuid.UUID, purpose: str, when: datetime
) -> None:
    """Every unused token of the user for `purpose` is spent (one redeemed spends its siblings)."""
    mine = (AccountToken.user_id == user_id, AccountToken.purpose == purpose)
    await spend(session, AccountToken, when, *mine)


async def delete_account_tokens(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(AccountToken).where(AccountToken.user_id == user_id))
