from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from platform_server.core.access import AccountReader, OptionalPrincipal, requires
from platform_server.core.access import AccountWriter as Writer
from platform_server.core.access import UserViewer as Viewer
from platform_server.core.container import SettingsDep
from platform_server.core.database import DbSession
from platform_server.core.idempotency import creates
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.core.responses import model_response
from platform_server.core.schemas import AcceptedOut
from platform_server.users import service
from platform_server.users.avatar_router import router as avatar_router
from platform_server.users.passwords import check_password
from platform_server.users.schemas import (
    PasswordChange,
    ProfileIn,
    ProfileOut,
    UserCreate,
    UserFilters,
    UserOut,
    UserUpdate,
)

router = APIRouter(prefix="/users", tags=["users"])
# `/users/me/avatar` before `/users/{id}/…`: "me" is not an id.
router.include_router(avatar_router)
REGISTRATION_ACCEPTED = "Check your inbox to finish signing up."


async def _registration(payload: UserCreate, settings: SettingsDep) -> UserCreate:
    """The body, its password checked before the idempotency key is claimed."""
    check_password(settings, payload.password, email=payload.email, name=payload.name)
    return payload


# Anonymous callers share one key space, as the rule "same key, other body: 422"
# needs; keys are random (UUIDs), so strangers' keys do not meet.
@creates(
    router,
    "",
    summary="Register a user",
    responses={
        202: {"model": AcceptedOut, "description": "Self-registration: the same answer always"}
    },
)
async def create_user(
    payload: Annotated[UserCreate, Depends(_registration)],
    settings: SettingsDep,
    session: DbSession,
    actor: OptionalPrincipal,
) -> UserOut | Response:
    """Self-registration answers 202 whether or not the email has an account (a new one
    gets a verification email, a taken one an email to its owner). An admin creating a
    user gets 201 with it (verified), 409 on a taken email, and may choose the `role`."""
    # Hashed either way: registering a taken address takes as long as a new one.
    password_hash = await service.hash_password_async(payload.password)
    if not service.is_staff_creation(actor):
        await service.register(session, settings, payload, password_hash=password_hash)
        return model_response(AcceptedOut(detail=REGISTRATION_ACCEPTED), status.HTTP_202_ACCEPTED)
    user = await service.create_user(session, payload, actor=actor, password_hash=password_hash)
    return UserOut.model_validate(user)


@router.get("", summary="List users")
async def list_users(
    session: DbSession,
    page: PageQuery,
    _actor: Annotated[Principal, requires(Permission.USERS_READ)],
    filters: Annotated[UserFilters, Query()],
) -> Page[UserOut]:
    return await service.list_users(session, page, filters)


@router.get("/me", summary="The signed-in user")
async def me(session: DbSession, actor: AccountReader) -> UserOut:
    return UserOut.model_validate(await service.get_visible(session, actor.user_id, actor))


@router.get("/{id}", summary="Get a user")
async def get_user(id: uuid.UUID, session: DbSession, actor: Viewer) -> UserOut:
    return UserOut.model_validate(await service.get_visible(session, id, actor))


@router.patch("/{id}", summary="Update a user")
async def update_user(
    id: uuid.UUID, payload: UserUpdate, session: DbSession, principal: Writer
) -> UserOut:
    """Users change their own name and email; admins also role and status."""
    return UserOut.model_validate(await service.update_user(session, id, payload, principal))


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a user")
async def delete_user(id: uuid.UUID, session: DbSession, principal: Writer) -> Response:
    """Removes the user with their profile, sessions and API keys."""
    await service.delete_user(session, id, principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{id}/profile", summary="Get a user's profile")
async def get_profile(id: uuid.UUID, session: DbSession, actor: Viewer) -> ProfileOut:
    return await service.get_profile(session, id, actor)


@router.put("/{id}/profile", summary="Replace a user's profile")
async def put_profile(
    id: uuid.UUID, payload: ProfileIn, session: DbSession, principal: Writer
) -> ProfileOut:
    return await service.put_profile(session, id, payload, principal)


@router.post("/{id}/password", status_code=status.HTTP_204_NO_CONTENT, summary="Change a password")
async def change_password(
    id: uuid.UUID,
    payload: PasswordChange,
    settings: SettingsDep,
    session: DbSession,
    principal: Writer,
) -> Response:
    """Needs the current password unless an admin sets another user's; revokes other sessions."""
    await service.change_password(session, id, payload, principal, settings)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/{id}/sessions",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke all of a user's sessions",
)
async def revoke_sessions(id: uuid.UUID, session: DbSession, principal: Writer) -> Response:
    """Ends every session of the user, with its refresh tokens, the caller's own included.

    For the user themself or an admin (users:write); API keys are not affected.
    """
    await service.revoke_sessions(session, id, principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
