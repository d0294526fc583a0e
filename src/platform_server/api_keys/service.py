"""Creating, listing and revoking API keys, and finding the live key behind a secret."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.api_keys import repository
from platform_server.api_keys.models import ApiKey
from platform_server.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from platform_server.audit import api as audit
from platform_server.core.database import utcnow
from platform_server.core.errors import Forbidden, NotFound, Unprocessable
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import READ_ONLY, Permission
from platform_server.core.principal import Principal
from platform_server.core.security import keyed_hash, new_api_key
from platform_server.core.settings import Settings
from platform_server.users import api as users

_PREFIX_LEN = 12  # "plat_" and 7 characters: enough to tell keys apart in a list
# What the audit trail keeps of a new key (never the secret `key`).
_AUDITED = ("name", "prefix", "scopes", "expires_at")

touch = repository.touch


async def create_key(
    session: AsyncSession, settings: Settings, actor: Principal, data: ApiKeyCreate
) -> ApiKeyCreated:
    if actor.api_key_id is not None:
        # A key minting keys could outlive its own expiry and revocation.
        raise Forbidden("API keys cannot create API keys; sign in with a password.")
    known = {p.value for p in Permission}
    scopes = (
        sorted(set(data.scopes))
        if data.scopes is not None
        else sorted(p for p in actor.permissions if p in READ_ONLY)
    )
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
    await repository.add(session, record)
    created = ApiKeyCreated(**ApiKeyOut.model_validate(record).model_dump(), key=secret)
    # Every caller's keys are audited; the secret (`key`) never is.
    changes = audit.diff({}, audit.snapshot(created, _AUDITED))
    await audit.record(
        session,
        "api_key.create",
        actor=actor,
        target_type="api_key",
        target_id=created.id,
        changes=changes,
    )
    return created


async def list_keys(session: AsyncSession, actor: Principal, page: PageParams) -> Page[ApiKeyOut]:
    return await repository.list_live(session, actor.user_id, page)


async def revoke_key(session: AsyncSession, actor: Principal, key_id: uuid.UUID) -> None:
    record = await repository.get(session, key_id)
    mine = record is not None and record.user_id == actor.user_id
    if (
        record is None
        or record.revoked_at is not None
        or not (mine or actor.can(Permission.USERS_WRITE))
    ):
        raise NotFound(f"API key {key_id} does not exist.")
    record.revoked_at = utcnow()
    await repository.flush(session)
    changes = {
        "revoked_at": {"before": None, "after": record.revoked_at},
        # Whose key it was: an admin may revoke anyone's.
        "owner_id": str(record.user_id),
        "name": record.name,
    }
    await audit.record(
        session,
        "api_key.revoke",
        actor=actor,
        target_type="api_key",
        target_id=key_id,
        changes=changes,
    )


async def find_active(session: AsyncSession, settings: Settings, secret: str) -> ApiKey | None:
    record = await repository.find_by_hash(session, keyed_hash(settings, secret))
    if record is None or record.revoked_at is not None:
        return None
    if record.expires_at is not None and record.expires_at <= utcnow():
        return None
    return record


@users.user_deleted.connect
async def _forget_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    await repository.delete_for_user(session, user_id)
