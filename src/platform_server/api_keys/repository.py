"""All of the API keys domain's SQL."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.api_keys.models import ApiKey
from platform_server.api_keys.schemas import ApiKeyOut
from platform_server.cache.stale import note_last_use
from platform_server.core.pagination import Page, PageParams, newest_first


async def add(session: AsyncSession, record: ApiKey) -> None:
    session.add(record)
    await session.flush()


async def list_live(session: AsyncSession, user_id: uuid.UUID, page: PageParams) -> Page[ApiKeyOut]:
    """The user's keys that are not revoked, newest first."""
    live = select(ApiKey).where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
    return await newest_first(session, live, ApiKey, page, ApiKeyOut.model_validate)


async def get(session: AsyncSession, key_id: uuid.UUID) -> ApiKey | None:
    return await session.get(ApiKey, key_id)


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def find_by_hash(session: AsyncSession, key_hash: str) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))


async def touch(session: AsyncSession, key_id: uuid.UUID, when: datetime) -> None:
    await note_last_use(session, ApiKey, key_id, when)


async def delete_for_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(ApiKey).where(ApiKey.user_id == user_id))
