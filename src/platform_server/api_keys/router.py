from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from platform_server.api_keys import service
from platform_server.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from platform_server.core.access import AccountReader, requires
from platform_server.core.container import SettingsDep
from platform_server.core.database import DbSession
from platform_server.core.idempotency import creates
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal

router = APIRouter(prefix="/api-keys", tags=["api-keys"])


@creates(router, "", summary="Create a key", secret_fields=("key",))
async def create_api_key(
    payload: ApiKeyCreate,
    settings: SettingsDep,
    session: DbSession,
    actor: Annotated[Principal, requires(Permission.ACCOUNT_WRITE)],
) -> ApiKeyCreated | Response:
    """The secret `key` is in this answer only; it is stored as a keyed hash.

    A replay of the same `Idempotency-Key` answers with `key: null`: the secret
    is never stored. Revoke that key and create another.
    """
    created = await service.create_key(session, settings, actor, payload)
    return created


@router.get("", summary="List your keys")
async def list_api_keys(
    session: DbSession, actor: AccountReader, page: PageQuery
) -> Page[ApiKeyOut]:
    return await service.list_keys(session, actor, page)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a key")
async def revoke_api_key(
    id: uuid.UUID,
    session: DbSession,
    actor: Annotated[Principal, requires(Permission.ACCOUNT_WRITE)],
) -> Response:
    await service.revoke_key(session, actor, id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
