from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.api_keys.models import ApiKey
from platform_server.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from platform_server.core.database import utcnow
from platform_server.core.errors import Forbidden, NotFound, Unprocessable
from platform_server.core.pagination import Page, PageParams, paginate
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.core.security import keyed_hash, new_api_key
from platform_server.core.settings import Settings
from platform_server.users import api as users

_PREFIX_LEN = 12  # "plat_" and 7 characters: enough to tell keys apart in a list


async def create_key(
    session: AsyncSession, settings: Settings, actor: Principal, data: ApiKeyCreate
) -> ApiKeyCreated:
    if actor.api_key_id is not None:
        # A key minting keys could outlive its own expiry and revocation.
        raise Forbidden("API keys cannot create API keys; sign in with a password.")
    known = {p.value for p in Permission}
    scopes = sorted(set(data.scopes)) if data.scopes is not None else sorted(actor.permissions)
    unknown = [s for s in scopes if s not in known]
    if unknown:
        raise Unprocessable(
            f"Unknown scopes: {', '.join(unknown)}.",
            errors=[{"loc": ["body", "scopes"], "msg": f"unknown scope {s}"} for s in unknown],
        )
    beyond = [s for s in scopes if s not in actor.permissions]
    if beyond:
        raise Forbidden(f"A key cannot have scopes its owner lacks: {', '.join(beyond)}.")
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise Unprocessable(
            "The expiry must be in the future.",
            errors=[{"loc": ["body", "expires_at"], "msg": "must be in the future"}],
        )
    secret = new_api_key()
    record = ApiKey(
        user_id=actor.user_id,
        name=data.name,
        prefix=secret[:_PREFIX_LEN],
        key_hash=keyed_hash(settings, secret),
        scopes=scopes,
        expires_at=data.expires_at,
    )
    session.add(record)
    await session.flush()
    return ApiKeyCreated(**ApiKeyOut.model_validate(record).model_dump(), key=secret)


async def list_keys(session: AsyncSession, actor: Principal, page: PageParams) -> Page[ApiKeyOut]:
    stmt = select(ApiKey).where(ApiKey.user_id == actor.user_id, ApiKey.revoked_at.is_(None))
    return await paginate(
        session,
        stmt,
        created_at=ApiKey.created_at,
        row_id=ApiKey.id,
        page=page,
        to_schema=ApiKeyOut.model_validate,
    )


async def revoke_key(session: AsyncSession, actor: Principal, key_id: uuid.UUID) -> None:
    record = await session.get(ApiKey, key_id)
    mine = record is not None and record.user_id == actor.user_id
    if (
        record is None
        or record.revoked_at is not None
        or not (mine or actor.can(Permission.USERS_WRITE))
    ):
        raise NotFound(f"API key {key_id} does not exist.")
    record.revoked_at = utcnow()
    await session.flush()


async def find_active(session: AsyncSession, settings: Settings, secret: str) -> ApiKey | None:
    record = await session.scalar(
        select(ApiKey).where(ApiKey.key_hash == keyed_hash(settings, secret))
    )
    if record is None or record.revoked_at is not None:
        return None
    if record.expires_at is not None and record.expires_at <= utcnow():
        return None
    return record


async def touch(session: AsyncSession, key_id: uuid.UUID, when: datetime) -> None:
    await session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))


@users.user_deleted.connect
async def _forget_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(ApiKey).where(ApiKey.user_id == user_id))
