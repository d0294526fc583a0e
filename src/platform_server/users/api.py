"""The users domain's public interface: who a user is, how to reach them, and the
hooks other domains connect to. Nothing here hands out an ORM object."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.database import utcnow
from platform_server.core.timeseries import Counts, Hours
from platform_server.users import repository, service
from platform_server.users.avatars import keys_in_use as avatar_keys_in_use
from platform_server.users.hooks import credentials_changed, registration_requested, user_deleted
from platform_server.users.models import User, UserProfile
from platform_server.users.passwords import check_password
from platform_server.users.schemas import Invitation, Password, UserFilters, UserOut

__all__ = [
    "Account",
    "Contact",
    "Identity",
    "Invitation",
    "Password",
    "UserFilters",
    "UserOut",
    "add_user",
    "admin_contacts",
    "avatar_keys_in_use",
    "check_password",
    "contacts",
    "create_invited",
    "credentials_changed",
    "export_page",
    "find_by_email",
    "hash_password_async",
    "identity",
    "mark_email_verified",
    "new_user_counts",
    "registration_requested",
    "reset_password",
    "restore_admin",
    "set_password_hash",
    "user_deleted",
    "verify_password_async",
]

hash_password_async = service.hash_password_async
verify_password_async = service.verify_password_async
set_password_hash = service.set_password_hash
restore_admin = service.restore_admin
mark_email_verified = service.mark_email_verified
reset_password = service.reset_password
create_invited = service.create_invited
export_page = repository.export_page


@dataclass(frozen=True)
class Identity:
    """Who a user is for access checks."""

    id: uuid.UUID
    email: str
    role: str
    status: str
    email_verified: bool


@dataclass(frozen=True)
class Account(Identity):
    """A user as signing in needs them: with the hash to check a password against."""

    name: str
    password_hash: str = field(repr=False)


@dataclass(frozen=True)
class Contact:
    """How to reach a user, for other domains (notifications) that may not read this table."""

    user_id: uuid.UUID
    email: str
    name: str
    phone: str | None
    sms_opt_in: bool


def _account(user: User) -> Account:
    return Account(
        user.id,
        user.email,
        user.role,
        user.status,
        user.email_verified_at is not None,
        user.name,
        user.password_hash,
    )


def _contact(user: User, profile: UserProfile | None) -> Contact:
    return Contact(
        user_id=user.id,
        email=user.email,
        name=user.name,
        phone=profile.phone if profile else None,
        sms_opt_in=bool(profile and profile.sms_opt_in),
    )


async def identity(session: AsyncSession, user_id: uuid.UUID) -> Identity | None:
    """Who a user is (None: no such user). Read on every authenticated request."""
    row = await service.identity(session, user_id)
    if row is None:
        return None
    return Identity(row.id, row.email, row.role, row.status, row.email_verified_at is not None)


async def find_by_email(session: AsyncSession, email: str) -> Account | None:
    user = await service.find_by_email(session, email)
    return _account(user) if user else None


def add_user(
    session: AsyncSession, *, email: str, name: str, password_hash: str, role: str
) -> uuid.UUID:
    """A new user with its (empty) profile, written with the session's next flush: its id.
    Its address counts as verified (the demo's users, the seeded admin)."""
    user = service.add_user(
        session,
        email=email,
        name=name,
        password_hash=password_hash,
        role=role,
        verified_at=utcnow(),
    )
    return user.id


async def contacts(
    session: AsyncSession, user_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Contact]:
    """`contact` for many users in one query (users that are gone are left out)."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    found = await service.with_profiles(session, ids=ids)
    return {user.id: _contact(user, profile) for user, profile in found}


async def admin_contacts(session: AsyncSession) -> list[Contact]:
    """The active admins, oldest account first."""
    found = await service.with_profiles(session, active_admins=True)
    return [_contact(user, profile) for user, profile in found]


async def new_user_counts(session: AsyncSession, since: datetime, buckets: Hours) -> Counts:
    """Accounts created since `since`, and per hour of `buckets`."""
    return await service.new_user_counts(session, since, buckets)
