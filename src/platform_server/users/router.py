from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import service as audit
from platform_server.core.access import AccountReader, OptionalPrincipal, requires
from platform_server.core.container import SettingsDep
from platform_server.core.database import DbSession
from platform_server.core.errors import Unprocessable
from platform_server.core.idempotency import idempotent
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings
from platform_server.users import service
from platform_server.users.models import UserProfile
from platform_server.users.schemas import (
    PasswordChange,
    ProfileIn,
    ProfileOut,
    RoleName,
    UserCreate,
    UserOut,
    UserStatus,
    UserUpdate,
)

router = APIRouter(prefix="/users", tags=["users"])
# One's own account (account:read) or anyone's (users:read, checked per user in the service).
Viewer = Annotated[Principal, requires(Permission.ACCOUNT_READ, Permission.USERS_READ)]

# What the audit trail keeps of a user and a profile (never the password hash).
_AUDITED = ("email", "name", "role", "status")
_PROFILE_AUDITED = ("bio", "avatar_url", "location", "phone", "sms_opt_in")


def _check_password_policy(settings: Settings, password: str, field: str) -> None:
    minimum = settings.password_min_length
    if len(password) < minimum:
        raise Unprocessable(
            f"Passwords need at least {minimum} characters.",
            errors=[{"loc": ["body", field], "msg": f"at least {minimum} characters"}],
        )


async def _registration(payload: UserCreate, settings: SettingsDep) -> UserCreate:
    """The body, its password checked before the idempotency key is claimed."""
    _check_password_policy(settings, payload.password, "password")
    return payload


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    summary="Register a user",
)
# Anonymous callers share one key space, as the rule "same key, other body: 422"
# needs; keys are random (UUIDs), so strangers' keys do not meet.
@idempotent()
async def create_user(
    payload: Annotated[UserCreate, Depends(_registration)],
    session: DbSession,
    actor: OptionalPrincipal,
) -> UserOut | Response:
    """Public registration (role `customer`); an admin may also choose the `role`."""
    password_hash = await service.hash_password_async(payload.password)
    user = await service.create_user(session, payload, actor=actor, password_hash=password_hash)
    out = UserOut.model_validate(user)
    if audit.by_staff(actor):
        await audit.record(
            session,
            "user.create",
            actor=actor,
            target_type="user",
            target_id=user.id,
            changes=audit.diff({}, audit.snapshot(out, _AUDITED)),
        )
    return out


@router.get("", response_model=Page[UserOut], summary="List users")
async def list_users(
    session: DbSession,
    page: PageQuery,
    _actor: Annotated[Principal, requires(Permission.USERS_READ)],
    role: RoleName | None = None,
    status: UserStatus | None = None,
    q: Annotated[
        str | None,
        Query(max_length=255, pattern=r"^[^\x00]*$", description="Email or name contains"),
    ] = None,
) -> Page[UserOut]:
    return await service.list_users(session, page, role=role, status=status, q=q)


@router.get("/me", response_model=UserOut, summary="The signed-in user")
async def me(session: DbSession, actor: AccountReader) -> UserOut:
    return UserOut.model_validate(await service.get_visible(session, actor.user_id, actor))


@router.get("/{id}", response_model=UserOut, summary="Get a user")
async def get_user(id: uuid.UUID, session: DbSession, actor: Viewer) -> UserOut:
    return UserOut.model_validate(await service.get_visible(session, id, actor))


@router.patch("/{id}", response_model=UserOut, summary="Update a user")
async def update_user(
    id: uuid.UUID,
    payload: UserUpdate,
    session: DbSession,
    principal: Annotated[Principal, requires(Permission.ACCOUNT_WRITE)],
) -> UserOut:
    """Users change their own name and email; admins also role and status."""
    found = await service.get_by_id(session, id)
    before = audit.snapshot(found, _AUDITED) if found else {}
    out = UserOut.model_validate(await service.update_user(session, id, payload, principal))
    changes = audit.diff(before, audit.snapshot(out, _AUDITED))
    if changes and (audit.by_staff(principal) or {"role", "status"} & set(changes)):
        await _audit_user_update(session, principal, id, changes)
    return out


async def _audit_user_update(
    session: AsyncSession, actor: Principal, user_id: uuid.UUID, changes: dict[str, Any]
) -> None:
    """A role change and a suspension or activation get records of their own, so that
    filtering by `user.role_change` or `user.suspend` finds every one."""
    rest = dict(changes)
    parts: list[tuple[str, dict[str, Any]]] = []
    if "role" in rest:
        parts.append(("user.role_change", {"role": rest.pop("role")}))
    if "status" in rest:
        status_change = rest.pop("status")
        verb = "suspend" if status_change["after"] == "suspended" else "activate"
        parts.append((f"user.{verb}", {"status": status_change}))
    if rest:
        parts.append(("user.update", rest))
    for action, part in parts:
        await audit.record(
            session, action, actor=actor, target_type="user", target_id=user_id, changes=part
        )


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a user")
async def delete_user(
    id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, requires(Permission.ACCOUNT_WRITE)],
) -> Response:
    """Removes the user with their profile, sessions and API keys."""
    found = await service.get_by_id(session, id)
    before = audit.snapshot(found, _AUDITED) if found else {}
    await service.delete_user(session, id, principal)
    if audit.by_staff(principal):
        await audit.record(
            session,
            "user.delete",
            actor=principal,
            target_type="user",
            target_id=id,
            changes=audit.diff(before, {}),
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{id}/profile", response_model=ProfileOut, summary="Get a user's profile")
async def get_profile(id: uuid.UUID, session: DbSession, actor: Viewer) -> ProfileOut:
    return await service.get_profile(session, id, actor)


@router.put("/{id}/profile", response_model=ProfileOut, summary="Replace a user's profile")
async def put_profile(
    id: uuid.UUID,
    payload: ProfileIn,
    session: DbSession,
    principal: Annotated[Principal, requires(Permission.ACCOUNT_WRITE)],
) -> ProfileOut:
    found = await session.get(UserProfile, id)
    before = audit.snapshot(found, _PROFILE_AUDITED) if found else {}
    out = await service.put_profile(session, id, payload, principal)
    changes = audit.diff(before, audit.snapshot(out, _PROFILE_AUDITED))
    if changes and audit.by_staff(principal):
        await audit.record(
            session,
            "user.profile_update",
            actor=principal,
            target_type="user",
            target_id=id,
            changes=changes,
        )
    return out


@router.post("/{id}/password", status_code=status.HTTP_204_NO_CONTENT, summary="Change a password")
async def change_password(
    id: uuid.UUID,
    payload: PasswordChange,
    settings: SettingsDep,
    session: DbSession,
    principal: Annotated[Principal, requires(Permission.ACCOUNT_WRITE)],
) -> Response:
    """Needs the current password unless an admin sets another user's; revokes other sessions."""
    _check_password_policy(settings, payload.new_password, "new_password")
    await service.change_password(session, id, payload, principal)
    if id != principal.user_id or audit.by_staff(principal):
        # That it happened, never the password: an admin's reset of another user's,
        # or a staff member's or admin's change of their own.
        action = "user.password_change" if id == principal.user_id else "user.password_reset"
        await audit.record(session, action, actor=principal, target_type="user", target_id=id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/{id}/sessions",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke all of a user's sessions",
)
async def revoke_sessions(
    id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, requires(Permission.ACCOUNT_WRITE)],
) -> Response:
    """Ends every session of the user, with its refresh tokens, the caller's own included.

    For the user themself or an admin (users:write); API keys are not affected.
    """
    await service.revoke_sessions(session, id, principal)
    await audit.record(
        session, "session.revoke_all", actor=principal, target_type="user", target_id=id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
