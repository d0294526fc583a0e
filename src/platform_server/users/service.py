"""User accounts and profiles."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from anyio import to_thread
from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core import direct
from platform_server.core.database import table_of
from platform_server.core.direct import Direct
from platform_server.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from platform_server.core.pagination import Page, PageParams, paginate
from platform_server.core.permissions import Permission, Role
from platform_server.core.principal import Principal
from platform_server.core.security import hash_password, verify_password
from platform_server.core.timeseries import Counts, Hours, hourly_counts
from platform_server.events import api as events
from platform_server.users import hooks
from platform_server.users.models import User, UserProfile
from platform_server.users.schemas import (
    PasswordChange,
    ProfileIn,
    ProfileOut,
    UserCreate,
    UserOut,
    UserUpdate,
)


async def hash_password_async(password: str) -> str:
    # argon2 is deliberately slow; keep it off the event loop.
    return await to_thread.run_sync(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await to_thread.run_sync(verify_password, password_hash, password)


async def create_user(
    session: AsyncSession,
    data: UserCreate,
    *,
    actor: Principal | None,
    password_hash: str,
) -> User:
    if data.role is not None and not (actor and actor.can(Permission.USERS_WRITE)):
        raise Forbidden("Only an admin may choose the role of a new user.")
    user = add_user(
        session,
        email=data.email,
        name=data.name,
        password_hash=password_hash,
        role=data.role or Role.CUSTOMER.value,
    )
    await _flush_unique_email(session, data.email)
    await events.record(session, "user.created", "user", user.id, UserOut.model_validate(user))
    return user


def add_user(
    session: AsyncSession, *, email: str, name: str, password_hash: str, role: str
) -> User:
    """A new user with its (empty) profile."""
    user = User(email=email.lower(), name=name, password_hash=password_hash, role=role)
    session.add(user)
    session.add(UserProfile(user_id=user.id))
    return user


async def _flush_unique_email(session: AsyncSession, email: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"A user with email {email} already exists.",
            errors=[{"loc": ["body", "email"], "msg": "already registered"}],
        ) from exc


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def get_by_id(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


# Read on every authenticated request: built once, and plain rows, not ORM objects.
# From the table, not the mapped class: every authenticated request runs it.
_users = table_of(User)
_IDENTITY = Direct(
    select(_users.c.id, _users.c.email, _users.c.role, _users.c.status).where(
        _users.c.id == bindparam("user_id")
    )
)


@dataclass(frozen=True)
class Identity:
    """Who a user is for access checks."""

    id: uuid.UUID
    email: str
    role: str
    status: str


async def identity(session: AsyncSession, user_id: uuid.UUID) -> Identity | None:
    """Who a user is for access checks (None: no such user)."""
    row = await direct.first(session, _IDENTITY, {"user_id": user_id})
    return Identity(*row) if row is not None else None


@dataclass(frozen=True)
class Contact:
    """How to reach a user, for other domains (notifications) that may not read this table."""

    user_id: uuid.UUID
    email: str
    name: str
    phone: str | None
    sms_opt_in: bool


def _contact(user: User, profile: UserProfile | None) -> Contact:
    return Contact(
        user_id=user.id,
        email=user.email,
        name=user.name,
        phone=profile.phone if profile else None,
        sms_opt_in=bool(profile and profile.sms_opt_in),
    )


async def contact(session: AsyncSession, user_id: uuid.UUID) -> Contact | None:
    row = (
        await session.execute(
            select(User, UserProfile)
            .outerjoin(UserProfile, UserProfile.user_id == User.id)
            .where(User.id == user_id)
        )
    ).first()
    return _contact(row[0], row[1]) if row else None


async def contacts(
    session: AsyncSession, user_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Contact]:
    """`contact` for many users in one query (users that are gone are left out)."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(User, UserProfile)
        .outerjoin(UserProfile, UserProfile.user_id == User.id)
        .where(User.id.in_(ids))
    )
    return {user.id: _contact(user, profile) for user, profile in rows.all()}


async def admin_contacts(session: AsyncSession) -> list[Contact]:
    rows = await session.execute(
        select(User, UserProfile)
        .outerjoin(UserProfile, UserProfile.user_id == User.id)
        .where(User.role == Role.ADMIN.value, User.status == "active")
        .order_by(User.created_at)
    )
    return [_contact(user, profile) for user, profile in rows.all()]


async def get_visible(session: AsyncSession, user_id: uuid.UUID, actor: Principal) -> User:
    """A user the actor may see; others' ids answer 404, so ids cannot be probed."""
    user = None
    if user_id == actor.user_id or actor.can(Permission.USERS_READ):
        user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist.")
    return user


def _require_self_or_admin(user: User, actor: Principal, what: str) -> None:
    if user.id != actor.user_id and not actor.can(Permission.USERS_WRITE):
        raise Forbidden(f"Only the user themself or an admin may {what}.")


async def list_users(
    session: AsyncSession,
    page: PageParams,
    *,
    role: str | None,
    status: str | None,
    q: str | None,
) -> Page[UserOut]:
    stmt = select(User)
    if role:
        stmt = stmt.where(User.role == role)
    if status:
        stmt = stmt.where(User.status == status)
    if q:
        pattern = f"%{_escape_like(q.lower())}%"
        stmt = stmt.where(
            or_(
                User.email.like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
            )
        )
    return await paginate(
        session,
        stmt,
        created_at=User.created_at,
        row_id=User.id,
        page=page,
        to_schema=UserOut.model_validate,
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def update_user(
    session: AsyncSession, user_id: uuid.UUID, data: UserUpdate, actor: Principal
) -> User:
    user = await get_visible(session, user_id, actor)
    changes = data.model_dump(exclude_unset=True)
    if None in (changes.get(k, "") for k in ("email", "name", "role", "status")):
        nulls = [k for k, v in changes.items() if v is None]
        raise Unprocessable(
            "These fields cannot be null.",
            errors=[{"loc": ["body", k], "msg": "may not be null"} for k in nulls],
        )
    if ("role" in changes or "status" in changes) and not actor.can(Permission.USERS_WRITE):
        raise Forbidden("Only an admin may change a user's role or status.")
    _require_self_or_admin(user, actor, "change this user")
    if user.role == Role.ADMIN and (
        changes.get("role", Role.ADMIN) != Role.ADMIN or changes.get("status", "active") != "active"
    ):
        await _keep_an_admin(session, user)
    for field, value in changes.items():
        setattr(user, field, value)
    await _flush_unique_email(session, user.email)
    if changes:
        await session.refresh(user)
        await events.record(session, "user.updated", "user", user.id, UserOut.model_validate(user))
    return user


async def _keep_an_admin(session: AsyncSession, leaving: User) -> None:
    others = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.status == "active", User.id != leaving.id)
    )
    if not others:
        raise Conflict("This is the last active admin; promote another admin first.")


async def delete_user(session: AsyncSession, user_id: uuid.UUID, actor: Principal) -> None:
    user = await get_visible(session, user_id, actor)
    _require_self_or_admin(user, actor, "delete this account")
    if user.role == Role.ADMIN:
        await _keep_an_admin(session, user)
    await hooks.user_deleted.emit(session, user.id)
    await events.record(session, "user.deleted", "user", user.id, UserOut.model_validate(user))
    # Statements in order: the ORM knows no relationship here to order them by.
    await session.execute(delete(UserProfile).where(UserProfile.user_id == user.id))
    await session.execute(delete(User).where(User.id == user.id))
    session.expunge(user)


async def get_profile(session: AsyncSession, user_id: uuid.UUID, actor: Principal) -> ProfileOut:
    user = await get_visible(session, user_id, actor)
    profile = await session.get(UserProfile, user.id)
    if profile is None:
        profile = UserProfile(user_id=user.id)
        session.add(profile)
        await session.flush()
    return ProfileOut.model_validate(profile)


async def put_profile(
    session: AsyncSession, user_id: uuid.UUID, data: ProfileIn, actor: Principal
) -> ProfileOut:
    user = await get_visible(session, user_id, actor)
    _require_self_or_admin(user, actor, "change this profile")
    profile = await session.get(UserProfile, user.id)
    if profile is None:
        profile = UserProfile(user_id=user.id)
        session.add(profile)
    values = data.model_dump(mode="json")
    for field, value in values.items():
        setattr(profile, field, value)
    await session.flush()
    await session.refresh(profile)
    return ProfileOut.model_validate(profile)


async def change_password(
    session: AsyncSession, user_id: uuid.UUID, data: PasswordChange, actor: Principal
) -> None:
    user = await get_visible(session, user_id, actor)
    _require_self_or_admin(user, actor, "change this password")
    by_admin_for_other = user.id != actor.user_id and actor.can(Permission.USERS_WRITE)
    if not by_admin_for_other:
        if data.current_password is None:
            raise Unprocessable(
                "Give your current password to set a new one.",
                errors=[{"loc": ["body", "current_password"], "msg": "field required"}],
            )
        if not await verify_password_async(user.password_hash, data.current_password):
            raise Unprocessable(
                "The current password is incorrect.",
                errors=[{"loc": ["body", "current_password"], "msg": "incorrect password"}],
            )
    user.password_hash = await hash_password_async(data.new_password)
    keep = actor.session_id if user.id == actor.user_id else None
    await hooks.credentials_changed.emit(session, user.id, keep)
    await session.flush()


async def revoke_sessions(session: AsyncSession, user_id: uuid.UUID, actor: Principal) -> None:
    """End every session of the user (with its refresh tokens), the caller's own included."""
    user = await get_visible(session, user_id, actor)
    _require_self_or_admin(user, actor, "revoke this user's sessions")
    await hooks.credentials_changed.emit(session, user.id, None)
    await session.flush()


async def set_password_hash(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> None:
    user = await session.get(User, user_id)
    if user is not None:
        user.password_hash = password_hash


async def new_user_counts(session: AsyncSession, since: datetime, buckets: Hours) -> Counts:
    """Accounts created since `since`, and per hour of `buckets`."""
    total = await session.scalar(
        select(func.count()).select_from(User).where(User.created_at >= since)
    )
    return Counts(int(total or 0), await hourly_counts(session, User.created_at, buckets))
