"""User accounts and profiles: the rules, and the audit trail of what staff change."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.database import utcnow
from platform_server.core.errors import Conflict, Forbidden, Unprocessable, found
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import Permission, Role
from platform_server.core.principal import Principal
from platform_server.core.security import hash_password, verify_password
from platform_server.core.settings import Settings
from platform_server.core.timeseries import Counts, Hours
from platform_server.events import api as events
from platform_server.storage.lifecycle import delete_after_commit
from platform_server.users import hooks, repository
from platform_server.users.models import User, UserProfile
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

# What the audit trail keeps of a user and a profile (never the password hash).
_AUDITED = ("email", "name", "role", "status")
_PROFILE_AUDITED = ("bio", "avatar_url", "location", "phone", "sms_opt_in")

add_user = repository.add_user
find_by_email = repository.find_by_email
get_by_id = repository.get
identity = repository.identity
with_profiles = repository.with_profiles


async def hash_password_async(password: str) -> str:
    # argon2 is deliberately slow; keep it off the event loop.
    return await to_thread.run_sync(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await to_thread.run_sync(verify_password, password_hash, password)


def is_staff_creation(actor: Principal | None) -> bool:
    """An admin creating a user (201 with the user, 409 on a taken email), as opposed to
    self-registration (202, the same answer whether or not the email is taken)."""
    return actor is not None and actor.can(Permission.USERS_WRITE)


async def create_user(
    session: AsyncSession, data: UserCreate, *, actor: Principal | None, password_hash: str
) -> User:
    """A user made by staff: its address counts as verified (staff vouch for it)."""
    if data.role is not None and not is_staff_creation(actor):
        raise Forbidden("Only an admin may choose the role of a new user.")
    user = add_user(
        session,
        email=data.email,
        name=data.name,
        password_hash=password_hash,
        role=data.role or Role.CUSTOMER.value,
        verified_at=utcnow(),
    )
    await _flush_unique_email(session, data.email)
    out = UserOut.model_validate(user)
    await events.record(session, "user.created", "user", user.id, out)
    if audit.by_staff(actor):
        changes = audit.diff({}, audit.snapshot(out, _AUDITED))
        await _audit(session, "user.create", actor, user.id, changes)
    return user


async def register(
    session: AsyncSession, settings: Settings, data: UserCreate, *, password_hash: str
) -> None:
    """Self-registration, revealing nothing: a new address gets an unverified account
    (and a verification email), a taken one is left alone (its owner is told by email)."""
    if data.role is not None:
        raise Forbidden("Only an admin may choose the role of a new user.")
    existing = await repository.find_by_email(session, data.email)
    if existing is None:
        user = await repository.add_unless_taken(
            session,
            email=data.email,
            name=data.name,
            password_hash=password_hash,
            role=Role.CUSTOMER.value,
        )
        if user is not None:
            out = UserOut.model_validate(user)
            await events.record(session, "user.created", "user", user.id, out)
            await hooks.registration_requested.emit(session, settings, user.id, True)
            return
        existing = await repository.find_by_email(session, data.email)  # it raced another
    if existing is not None:
        await hooks.registration_requested.emit(session, settings, existing.id, False)


# No password hash verifies against this (it is no argon2 hash): an invited user signs in
# only once they have set a password with the link of their invitation.
NO_PASSWORD = "!invited"  # noqa: S105 (a marker, not a secret)


async def create_invited(
    session: AsyncSession, *, email: str, name: str, role: str, actor: Principal
) -> uuid.UUID | None:
    """A user made by staff without a password, to be invited by email: its id, or None
    when the address has an account already (nothing is changed then). Its address
    counts as verified: staff vouch for it, and only its owner can set the password."""
    if not is_staff_creation(actor):
        raise Forbidden("Only an admin may create users.")
    user = await repository.add_unless_taken(
        session, email=email, name=name, password_hash=NO_PASSWORD, role=role, verified_at=utcnow()
    )
    if user is None:
        return None
    out = UserOut.model_validate(user)
    await events.record(session, "user.created", "user", user.id, out)
    changes = audit.diff({}, {**audit.snapshot(out, _AUDITED), "invited": True})
    await _audit(session, "user.create", actor, user.id, changes)
    return user.id


async def mark_email_verified(session: AsyncSession, user_id: uuid.UUID) -> bool:
    """The user's address is verified now (False: no such user)."""
    user = await repository.get(session, user_id)
    if user is None:
        return False
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        await repository.flush(session)
    return True


async def reset_password(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> bool:
    """A new password set by a reset token; every session of the user ends (False: no user)."""
    user = await repository.get(session, user_id)
    if user is None:
        return False
    user.password_hash = password_hash
    await hooks.credentials_changed.emit(session, user.id, None)
    await repository.flush(session)
    return True


async def _audit(
    session: AsyncSession,
    action: str,
    actor: Principal | None,
    user_id: uuid.UUID,
    changes: dict[str, Any] | None = None,
) -> None:
    await audit.record(
        session, action, actor=actor, target_type="user", target_id=user_id, changes=changes
    )


async def _flush_unique_email(session: AsyncSession, email: str) -> None:
    if not await repository.flush_unique(session):
        raise Conflict(
            f"A user with email {email} already exists.",
            errors=[{"loc": ["body", "email"], "msg": "already registered"}],
        )


async def get_visible(session: AsyncSession, user_id: uuid.UUID, actor: Principal) -> User:
    """A user the actor may see; others' ids answer 404, so ids cannot be probed."""
    may_see = user_id == actor.user_id or actor.can(Permission.USERS_READ)
    user = await repository.get(session, user_id) if may_see else None
    return found(user, f"User {user_id} does not exist.")


async def get_changeable(
    session: AsyncSession, user_id: uuid.UUID, actor: Principal, what: str
) -> User:
    """A user the actor may change: the user themself, or anyone for an admin."""
    user = await get_visible(session, user_id, actor)
    _require_self_or_admin(user, actor, what)
    return user


def _require_self_or_admin(user: User, actor: Principal, what: str) -> None:
    if user.id != actor.user_id and not actor.can(Permission.USERS_WRITE):
        raise Forbidden(f"Only the user themself or an admin may {what}.")


async def list_users(
    session: AsyncSession, page: PageParams, filters: UserFilters
) -> Page[UserOut]:
    return await repository.list_users(session, page, filters)


async def update_user(
    session: AsyncSession, user_id: uuid.UUID, data: UserUpdate, actor: Principal
) -> User:
    """Users change their own name and email; admins also role and status."""
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
    before = audit.snapshot(user, _AUDITED)
    if changes.get("email", user.email) != user.email and not audit.by_staff(actor):
        user.email_verified_at = None  # the new address is not proven yet
    for field, value in changes.items():
        setattr(user, field, value)
    await _flush_unique_email(session, user.email)
    if changes:
        await repository.reload(session, user)
        await events.record(session, "user.updated", "user", user.id, UserOut.model_validate(user))
    audited = audit.diff(before, audit.snapshot(user, _AUDITED))
    if audited and (audit.by_staff(actor) or {"role", "status"} & set(audited)):
        await _audit_user_update(session, actor, user.id, audited)
    return user


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
        await _audit(session, action, actor, user_id, part)


async def _keep_an_admin(session: AsyncSession, leaving: User) -> None:
    if not await repository.count_other_active_admins(session, leaving.id):
        raise Conflict("This is the last active admin; promote another admin first.")


async def delete_user(session: AsyncSession, user_id: uuid.UUID, actor: Principal) -> None:
    """Removes the user with their profile, sessions and API keys."""
    user = await get_changeable(session, user_id, actor, "delete this account")
    if user.role == Role.ADMIN:
        await _keep_an_admin(session, user)
    before = audit.snapshot(user, _AUDITED)
    await hooks.user_deleted.emit(session, user.id)
    await events.record(session, "user.deleted", "user", user.id, UserOut.model_validate(user))
    profile = await repository.get_profile(session, user.id)
    if profile is not None and profile.avatar_key:
        # The uploaded avatar goes once the deletion has committed.
        delete_after_commit(session, [profile.avatar_key])
    await repository.delete_user(session, user)
    if audit.by_staff(actor):
        await _audit(session, "user.delete", actor, user_id, audit.diff(before, {}))


async def get_profile(session: AsyncSession, user_id: uuid.UUID, actor: Principal) -> ProfileOut:
    user = await get_visible(session, user_id, actor)
    profile = await repository.get_profile(session, user.id)
    if profile is None:
        profile = repository.add_profile(session, user.id)
        await repository.flush(session)
    return ProfileOut.model_validate(profile)


async def put_profile(
    session: AsyncSession, user_id: uuid.UUID, data: ProfileIn, actor: Principal
) -> ProfileOut:
    user = await get_changeable(session, user_id, actor, "change this profile")
    profile: UserProfile | None = await repository.get_profile(session, user.id)
    before = audit.snapshot(profile, _PROFILE_AUDITED) if profile else {}
    if profile is None:
        profile = repository.add_profile(session, user.id)
    # avatar_url is the served URL, set by uploading (users/avatars.py); a body may
    # carry it back unchanged (read, modify, write) but may not set it.
    given = data.model_dump(mode="json")
    sent_url = given.pop("avatar_url")
    if sent_url is not None and sent_url != profile.avatar_url:
        raise Unprocessable(
            "avatar_url is read-only; upload a picture with PUT /api/v1/users/{id}/avatar.",
            errors=[{"loc": ["body", "avatar_url"], "msg": "read-only"}],
        )
    for field, value in given.items():
        setattr(profile, field, value)
    await repository.save_profile(session, profile)
    out = ProfileOut.model_validate(profile)
    changes = audit.diff(before, audit.snapshot(out, _PROFILE_AUDITED))
    if changes and audit.by_staff(actor):
        await _audit(session, "user.profile_update", actor, user_id, changes)
    return out


async def change_password(
    session: AsyncSession,
    user_id: uuid.UUID,
    data: PasswordChange,
    actor: Principal,
    settings: Settings,
) -> None:
    """Needs the current password unless an admin sets another user's; revokes other sessions."""
    user = await get_changeable(session, user_id, actor, "change this password")
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
    check_password(
        settings, data.new_password, field="new_password", email=user.email, name=user.name
    )
    user.password_hash = await hash_password_async(data.new_password)
    keep = actor.session_id if user.id == actor.user_id else None
    await hooks.credentials_changed.emit(session, user.id, keep)
    await repository.flush(session)
    if user_id != actor.user_id or audit.by_staff(actor):
        # That it happened, never the password: an admin's reset of another user's,
        # or a staff member's or admin's change of their own.
        own = user_id == actor.user_id
        await _audit(
            session, "user.password_change" if own else "user.password_reset", actor, user_id
        )


async def revoke_sessions(session: AsyncSession, user_id: uuid.UUID, actor: Principal) -> None:
    """End every session of the user (with its refresh tokens), the caller's own included."""
    user = await get_changeable(session, user_id, actor, "revoke this user's sessions")
    await hooks.credentials_changed.emit(session, user.id, None)
    await repository.flush(session)
    await _audit(session, "session.revoke_all", actor, user_id)


async def set_password_hash(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> None:
    user = await repository.get(session, user_id)
    if user is not None:
        user.password_hash = password_hash


async def restore_admin(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> None:
    """The user becomes an active admin with this password (the demo's and bench's admin)."""
    user = await repository.get(session, user_id)
    if user is not None:
        user.password_hash = password_hash
        user.role = Role.ADMIN.value
        user.status = "active"
        user.email_verified_at = user.email_verified_at or utcnow()


async def new_user_counts(session: AsyncSession, since: datetime, buckets: Hours) -> Counts:
    """Accounts created since `since`, and per hour of `buckets`."""
    total = await repository.count_created_since(session, since)
    return Counts(total, await repository.hourly_created(session, buckets))
