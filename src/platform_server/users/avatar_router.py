"""HTTP for avatars (the service is `users/avatars.py`)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile

from platform_server.core.access import AccountWriter as Writer
from platform_server.core.access import UserViewer as Viewer
from platform_server.core.container import SettingsDep
from platform_server.core.database import DbSession
from platform_server.core.principal import Principal
from platform_server.storage.factory import StorageDep
from platform_server.storage.serving import IMAGE_TYPES, PRIVATE, download_responses, serve
from platform_server.storage.uploads import UPLOAD_RESPONSES, read_upload
from platform_server.users import avatars
from platform_server.users.schemas import ProfileOut

# Included by users/router.py under its /users prefix.
router = APIRouter(tags=["users"])
UPLOAD_PATHS = (re.compile(r"/api/v1/users/[^/]+/avatar"),)
Picture = Annotated[UploadFile, File(description="A JPEG, PNG or WebP image")]


async def _put(
    user_id: uuid.UUID,
    file: UploadFile,
    settings: SettingsDep,
    storage: StorageDep,
    session: DbSession,
    actor: Principal,
) -> ProfileOut:
    data = await read_upload(file, settings.upload_max_bytes)
    return await avatars.put_avatar(
        session, storage, user_id, data, max_pixels=settings.image_max_pixels, actor=actor
    )


@router.put("/me/avatar", summary="Upload your avatar", responses=UPLOAD_RESPONSES)
async def put_my_avatar(
    file: Picture, settings: SettingsDep, storage: StorageDep, session: DbSession, actor: Writer
) -> ProfileOut:
    """multipart/form-data with one `file`; replaces any avatar. The profile's
    `avatar_url` becomes its served URL."""
    return await _put(actor.user_id, file, settings, storage, session, actor)


@router.delete("/me/avatar", summary="Remove your avatar")
async def delete_my_avatar(session: DbSession, actor: Writer) -> ProfileOut:
    return await avatars.delete_avatar(session, actor.user_id, actor=actor)


@router.put("/{id}/avatar", summary="Upload a user's avatar", responses=UPLOAD_RESPONSES)
async def put_avatar(
    id: uuid.UUID,
    file: Picture,
    settings: SettingsDep,
    storage: StorageDep,
    session: DbSession,
    actor: Writer,
) -> ProfileOut:
    """The user themself, or an admin for anyone."""
    return await _put(id, file, settings, storage, session, actor)


@router.delete("/{id}/avatar", summary="Remove a user's avatar")
async def delete_avatar(id: uuid.UUID, session: DbSession, actor: Writer) -> ProfileOut:
    return await avatars.delete_avatar(session, id, actor=actor)


@router.get(
    "/{id}/avatar",
    summary="Download a user's avatar",
    response_class=Response,
    responses={
        **download_responses("The avatar's bytes", IMAGE_TYPES),
        409: {"description": "The user has uploaded no avatar"},
    },
)
async def get_avatar(
    request: Request,
    id: uuid.UUID,
    settings: SettingsDep,
    storage: StorageDep,
    session: DbSession,
    actor: Viewer,
) -> Response:
    """For whoever may read the user (themself, or staff with users:read); 409 when
    the user has uploaded none."""
    key, filename = await avatars.stored_avatar(session, id, actor)
    return await serve(
        request,
        storage,
        key,
        filename=filename,
        cache_control=PRIVATE,
        presign_seconds=settings.s3_presign_seconds,
    )
