"""All of the users domain's SQL: users and their profiles."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core import direct
from platform_server.core.database import equal_to, table_of
from platform_server.core.direct import Direct
from platform_server.core.pagination import Page, PageParams, newest_first, oldest_first
from platform_server.core.permissions import Role
from platform_server.core.timeseries import Hours, hourly_counts
from platform_server.users.models import User, UserProfile
from platform_server.users.schemas import UserFilters, UserOut


def add_user(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    password_hash: str,
    role: str,
    verified_at: datetime | None,
) -> User:
    """A new user with its (empty) profile."""
    user = User(
        email=email.lower(),
        name=name,
        password_hash=password_hash,
        role=role,
        email_verified_at=verified_at,
    )
    session.add(user)
    session.add(UserProfile(user_id=user.id))
    return user


async def flush_unique(session: AsyncSession) -> bool:
    """Write pending changes; False when an email is taken (the unique index refused)."""
    try:
        await session.flush()
    except IntegrityError:
        return False
    return True


async def add_unless_taken(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    password_hash: str,
    role: str,
    verified_at: datetime | None = None,
) -> User | None:
    """A new user (unverified unless `verified_at`), written in a savepoint; None (nothing
    written, the transaction still usable) when the email is taken: a registration or an
    invitation that raced another."""
    try:
        async with session.begin_nested():
            user = add_user(
                session,
                email=email,
                name=name,
                password_hash=password_hash,
                role=role,
                verified_at=verified_at,
            )
            await session.flush()
    except IntegrityError:
        return None
    return user


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def reload(session: AsyncSession, user: User) -> None:
    """Read back what the database made of a change (updated_at)."""
    await session.refresh(user)


# Read on every authenticated request: built once, and plain rows, not ORM objects.
# From the table, not the mapped class: every authenticated request runs it.
_users = table_of(User)
_IDENTITY = Direct(
    select(
        _users.c.id, _users.c.email, _users.c.role, _users.c.status, _users.c.email_verified_at
    ).where(_users.c.id == bindparam("user_id"))
)


async def identity(session: AsyncSession, user_id: uuid.UUID) -> Any | None:
    """The row (id, email, role, status, email_verified_at) of a user, or None."""
    return await direct.first(session, _IDENTITY, {"user_id": user_id})


async def with_profiles(
    session: AsyncSession, *, ids: Sequence[uuid.UUID] | None = None, active_admins: bool = False
) -> list[tuple[User, UserProfile | None]]:
    """Users with the given ids (or the active admins), each with its profile if it has one,
    oldest first."""
    stmt = select(User, UserProfile).outerjoin(UserProfile, UserProfile.user_id == User.id)
    if ids is not None:
        stmt = stmt.where(User.id.in_(ids))
    if active_admins:
        stmt = stmt.where(User.role == Role.ADMIN.value, User.status == "active")
    rows = await session.execute(stmt.order_by(User.created_at))
    return [(user, profile) for user, profile in rows.all()]


async def list_users(
    session: AsyncSession, page: PageParams, filters: UserFilters
) -> Page[UserOut]:
    return await newest_first(session, _filtered(filters), User, page, UserOut.model_validate)


async def export_page(
    session: AsyncSession, page: PageParams, filters: UserFilters
) -> Page[UserOut]:
    """`list_users`' users, oldest first (an export's order); `UserOut` holds no secret."""
    return await oldest_first(session, _filtered(filters), User, page, UserOut.model_validate)


def _filtered(filters: UserFilters) -> Select[Any]:
    stmt = select(User).where(*equal_to((User.role, filters.role), (User.status, filters.status)))
    if filters.q:
        pattern = f"%{_escape_like(filters.q.lower())}%"
        stmt = stmt.where(
            or_(
                User.email.like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
            )
        )
    return stmt


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def count_other_active_admins(session: AsyncSession, user_id: uuid.UUID) -> int:
    others = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.status == "active", User.id != user_id)
    )
    return int(others or 0)


async def delete_user(session: AsyncSession, user: User) -> None:
    # Statements in order: the ORM knows no relationship here to order them by.
    await session.execute(delete(UserProfile).where(UserProfile.user_id == user.id))
    await session.execute(delete(User).where(User.id == user.id))
    session.expunge(user)


async def get_profile(session: AsyncSession, user_id: uuid.UUID) -> UserProfile | None:
    return await session.get(UserProfile, user_id)


def add_profile(session: AsyncSession, user_id: uuid.UUID) -> UserProfile:
    profile = UserProfile(user_id=user_id)
    session.add(profile)
    return profile


async def save_profile(session: AsyncSession, profile: UserProfile) -> None:
    """Write the profile and read back its updated_at."""
    await session.flush()
    await session.refresh(profile)


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def count_created_since(session: AsyncSession, since: datetime) -> int:
    total = await session.scalar(
        select(func.count()).select_from(User).where(User.created_at >= since)
    )
    return int(total or 0)


async def hourly_created(session: AsyncSession, buckets: Hours) -> list[int]:
    return await hourly_counts(session, User.created_at, buckets)


async def avatar_keys(session: AsyncSession) -> Sequence[str]:
    """Every stored avatar's key (the orphan sweep's list of keys in use)."""
    stmt = select(UserProfile.avatar_key).where(UserProfile.avatar_key.is_not(None))
    return [key for key in (await session.scalars(stmt)).all() if key]
