"""The auth domain's public interface: the refresh session behind an access token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.auth import service
from platform_server.auth.accounts import invite

__all__ = ["ActiveSession", "active_session", "invite", "touch_session"]


@dataclass(frozen=True)
class ActiveSession:
    """A refresh session neither revoked nor expired."""

    id: uuid.UUID
    user_id: uuid.UUID
    last_used_at: datetime
    expires_at: datetime
    mfa: bool = False  # whether its sign-in passed a second factor


async def active_session(session: AsyncSession, session_id: uuid.UUID) -> ActiveSession | None:
    """The session, if it is still valid. Read on every request signed with a token."""
    row = await service.active_session(session, session_id)
    if row is None:
        return None
    return ActiveSession(row.id, row.user_id, row.last_used_at, row.expires_at, bool(row.mfa))


async def touch_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    """Note the session's use now."""
    await service.touch_session(session, session_id)
