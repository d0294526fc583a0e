"""Avatars: one uploaded picture per profile, served through the API.

The profile's `avatar_url` is the served URL (`/api/v1/users/{id}/avatar?v=…`, the
version changing with each upload) and is read-only for clients. The picture is
checked and re-encoded like a product image (EXIF stripped), fitted in 512 px.
"""

from __future__ import annotations

import uuid

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.errors import Conflict
from platform_server.core.principal import Principal
from platform_server.storage import imaging
from platform_server.storage.base import Storage, random_key
from platform_server.storage.lifecycle import delete_after_commit, discard_on_error
from platform_server.users import repository, service
from platform_server.users.models import UserProfile
from platform_server.users.schemas import ProfileOut

AVATAR_PIXELS = 512


def avatar_url(user_id: uuid.UUID, key: str) -> str:
    return f"/api/v1/users/{user_id}/avatar?v={key[-12:]}"


async def _profile(session: AsyncSession, user_id: uuid.UUID) -> UserProfile:
    profile = await repository.get_profile(session, user_id)
    return profile if profile is not None else repository.add_profile(session, user_id)


async def put_avatar(
    session: AsyncSession,
    storage: Storage,
    user_id: uuid.UUID,
    data: bytes,
    *,
    max_pixels: int,
    actor: Principal,
) -> ProfileOut:
    # Checked before the bytes are looked at: a stranger learns nothing from a 415.
    # (On SQLite this read starts the request's writing transaction; the image work
    # and the upload to storage of a 512 px picture are short.)
    user = await service.get_changeable(session, user_id, actor, "change this avatar")
    processed = await anyio.to_thread.run_sync(
        lambda: imaging.process(data, max_pixels=max_pixels, sizes=(), fit=AVATAR_PIXELS)
    )
    async with discard_on_error(storage) as written:
        key = random_key("avatars")
        await storage.put_bytes(key, processed.original.data, content_type=processed.content_type)
        written.append(key)
        profile = await _profile(session, user.id)
        old_key = profile.avatar_key
        profile.avatar_key = key
        profile.avatar_content_type = processed.content_type
        profile.avatar_url = avatar_url(user.id, key)
        await repository.save_profile(session, profile)
        if old_key:
            delete_after_commit(session, [old_key])
        await _audit(session, "user.avatar_set", actor, user.id)
    return ProfileOut.model_validate(profile)


async def delete_avatar(
    session: AsyncSession, user_id: uuid.UUID, *, actor: Principal
) -> ProfileOut:
    user = await service.get_changeable(session, user_id, actor, "change this avatar")
    profile = await _profile(session, user.id)
    if profile.avatar_key:
        delete_after_commit(session, [profile.avatar_key])
    profile.avatar_key = profile.avatar_content_type = profile.avatar_url = None
    await repository.save_profile(session, profile)
    await _audit(session, "user.avatar_remove", actor, user.id)
    return ProfileOut.model_validate(profile)


async def stored_avatar(
    session: AsyncSession, user_id: uuid.UUID, actor: Principal
) -> tuple[str, str]:
    """The key and a file name of the user's avatar, for whoever may see the user; a
    409 when they have none (the user exists: like an unpaid order's invoice)."""
    user = await service.get_visible(session, user_id, actor)
    profile = await repository.get_profile(session, user.id)
    if profile is None or not profile.avatar_key:
        raise Conflict(f"User {user_id} has no uploaded avatar.")
    ext = (profile.avatar_content_type or "image/jpeg").split("/")[-1].replace("jpeg", "jpg")
    return profile.avatar_key, f"avatar.{ext}"


async def keys_in_use(session: AsyncSession) -> set[str]:
    return set(await repository.avatar_keys(session))


async def _audit(session: AsyncSession, action: str, actor: Principal, user_id: uuid.UUID) -> None:
    # Only staff changes are audited, as with the rest of a profile.
    if audit.by_staff(actor):
        await audit.record(session, action, actor=actor, target_type="user", target_id=user_id)
