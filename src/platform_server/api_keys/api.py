"""The API keys domain's public interface: the live key behind a secret, for resolving
the caller."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.api_keys import service
from platform_server.core.settings import Settings

__all__ = ["ActiveKey", "find_active", "touch"]


@dataclass(frozen=True)
class ActiveKey:
    """A key that is neither revoked nor expired."""

    id: uuid.UUID
    user_id: uuid.UUID
    scopes: frozenset[str]
    last_used_at: datetime | None
    expires_at: datetime | None = None


async def find_active(session: AsyncSession, settings: Settings, secret: str) -> ActiveKey | None:
    """The key whose secret this is, if it is still valid."""
    key = await service.find_active(session, settings, secret)
    if key is None:
        return None
    return ActiveKey(key.id, key.user_id, frozenset(key.scopes), key.last_used_at, key.expires_at)


async def touch(session: AsyncSession, key_id: uuid.UUID, when: datetime) -> None:
    """Note the key's use at `when`."""
    await service.touch(session, key_id, when)
