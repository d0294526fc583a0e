"""One-time account tokens sent by email: verifying an address, resetting a password.

A token is 32 random bytes (URL-safe text) that exists only in the email; the table
keeps its keyed hash (HMAC-SHA256 under the server secret), so it is found by an
index lookup on the hash: nothing compares a token byte by byte. Each token has a
purpose, an expiry and a `used_at`; redeeming one spends its unused siblings of the
same purpose. Requests that send one (register, resend, reset) answer the same
whatever the address, and never say whether an email was sent.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.auth import repository
from platform_server.auth.models import AccountToken
from platform_server.core.database import Database, utcnow
from platform_server.core.errors import ProblemError
from platform_server.core.principal import Principal
from platform_server.core.security import keyed_hash
from platform_server.core.settings import Settings
from platform_server.notifications import api as notifications
from platform_server.users import api as users

logger = logging.getLogger("platform_server.auth")

VERIFY_EMAIL = "verify_email"
PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose name, not a secret)
REGISTRATION_ATTEMPT = "registration_attempt"
_PURPOSE_NAMES = {VERIFY_EMAIL: "email verification", PASSWORD_RESET: "password reset"}


class TokenRefused(ProblemError):
    """A token that cannot be redeemed: its `type` says why (never the token itself)."""

    status = 400

    def __init__(self, kind: str, title: str, detail: str) -> None:
        super().__init__(detail, title=title, type=f"/problems/token-{kind}")


def _ttl(settings: Settings, purpose: str) -> timedelta:
    if purpose == VERIFY_EMAIL:
        return timedelta(hours=settings.email_verification_hours)
    return timedelta(minutes=settings.password_reset_minutes)


async def _issue(
    session: AsyncSession,
    settings: Settings,
    user_id: uuid.UUID,
    purpose: str,
    ttl: timedelta | None = None,
) -> str | None:
    """A new token for the user, or None when this hour's emails of its kind are spent."""
    now = utcnow()
    recent = await repository.account_tokens_since(
        session, user_id, purpose, now - timedelta(hours=1)
    )
    if recent >= settings.account_emails_per_hour:
        return None
    token = secrets.token_urlsafe(32)
    record = AccountToken(
        purpose=purpose,
        user_id=user_id,
        token_hash=keyed_hash(settings, token),
        expires_at=now + (ttl or _ttl(settings, purpose)),
    )
    await repository.add_account_token(session, record)
    return token


async def _send_verification(session: AsyncSession, settings: Settings, user_id: uuid.UUID) -> bool:
    token = await _issue(session, settings, user_id, VERIFY_EMAIL)
    if token is None:
        return False
    hours = f"{settings.email_verification_hours:g}"
    await notifications.queue_for_user(
        session, user_id, "verify_email", {"token": token, "hours": hours}
    )
    return True


@users.registration_requested.connect
async def _registered(
    session: AsyncSession, settings: Settings, user_id: uuid.UUID, created: bool
) -> None:
    """A new account gets a verification email; a taken address's owner is told instead,
    at most `registration_attempt_emails_per_day` times a day (the answer is the same)."""
    if created:
        await _send_verification(session, settings, user_id)
        return
    since = utcnow() - timedelta(days=1)
    told = await notifications.count_for_user(session, user_id, REGISTRATION_ATTEMPT, since)
    if told < settings.registration_attempt_emails_per_day:
        await notifications.queue_for_user(session, user_id, REGISTRATION_ATTEMPT, {})


@users.user_deleted.connect
async def _forget_tokens(session: AsyncSession, user_id: uuid.UUID) -> None:
    await repository.delete_account_tokens(session, user_id)


async def resend_verification(db: Database, settings: Settings, email: str) -> None:
    """A new verification email if the address has an active, unverified account (and
    this hour's allowance is not spent); nothing otherwise. Run after the 202 is sent."""
    async with db.transaction() as session:
        account = await users.find_by_email(session, email.strip().lower())
        if account is None or account.status != "active" or account.email_verified:
            return
        await _send_verification(session, settings, account.id)


async def request_password_reset(db: Database, settings: Settings, email: str) -> None:
    """A reset email if the address has an active account (and this hour's allowance is
    not spent); audited either way for a known account. Run after the 202 is sent."""
    async with db.transaction() as session:
        account = await users.find_by_email(session, email.strip().lower())
        if account is None or account.status != "active":
            return
        token = await _issue(session, settings, account.id, PASSWORD_RESET)
        if token is not None:
            minutes = f"{settings.password_reset_minutes:g}"
            await notifications.queue_for_user(
                session, account.id, "password_reset", {"token": token, "minutes": minutes}
            )
        await audit.record(
            session,
            "auth.password_reset_request",
            actor=None,
            actor_email=account.email,
            target_type="user",
            target_id=account.id,
            changes={"email_sent": token is not None},
        )


EmailJob = Callable[[Database, Settings, str], Awaitable[None]]


async def run_quietly(work: EmailJob, db: Database, settings: Settings, email: str) -> None:
    """Run a job after its answer was sent: a failure is logged (never its input)."""
    try:
        await work(db, settings, email)
    except Exception as exc:  # the answer is gone: nobody else would see it
        logger.error("%s failed after its answer: %s", work.__name__, type(exc).__name__)


async def invite(
    session: AsyncSession, settings: Settings, *, email: str, name: str, role: str, actor: Principal
) -> uuid.UUID | None:
    """A new account made by staff, with no password: its owner gets an invitation
    whose link is a password-reset code (`/auth/password-reset/confirm` sets the first
    password). The code lives as long as a verification link, not the 30 minutes of a
    reset: an invitation may wait in an inbox over a weekend. None (nothing sent or
    changed) when the address has an account already."""
    user_id = await users.create_invited(session, email=email, name=name, role=role, actor=actor)
    if user_id is None:
        return None
    ttl = timedelta(hours=settings.email_verification_hours)
    token = await _issue(session, settings, user_id, PASSWORD_RESET, ttl)
    if token is not None:  # a new account has spent no email this hour
        hours = f"{settings.email_verification_hours:g}"
        await notifications.queue_for_user(
            session, user_id, "invitation", {"token": token, "hours": hours}
        )
    return user_id


async def _redeem(
    session: AsyncSession, settings: Settings, token: str, purpose: str
) -> AccountToken:
    """The token's record, now spent (with its unused siblings), or a TokenRefused."""
    record = await repository.account_token(session, keyed_hash(settings, token))
    if record is None:
        raise TokenRefused(
            "invalid", "Invalid token", "This code is not valid; check it or ask for a new one."
        )
    if record.purpose != purpose:
        raise TokenRefused(
            "wrong-purpose",
            "Token for another purpose",
            f"This is a {_PURPOSE_NAMES.get(record.purpose, record.purpose)} code; "
            f"it cannot be used for {_PURPOSE_NAMES[purpose]}.",
        )
    now = utcnow()
    if record.used_at is not None:
        raise TokenRefused("used", "Token already used", "This code was used already.")
    if record.expires_at <= now:
        raise TokenRefused("expired", "Token expired", "This code has expired; ask for a new one.")
    await repository.use_account_tokens(session, record.user_id, purpose, now)
    return record


async def verify_email(session: AsyncSession, settings: Settings, token: str) -> None:
    record = await _redeem(session, settings, token, VERIFY_EMAIL)
    if not await users.mark_email_verified(session, record.user_id):
        raise TokenRefused("invalid", "Invalid token", "The account of this code is gone.")
    await audit.record(
        session, "user.email_verify", actor=None, target_type="user", target_id=record.user_id
    )


async def confirm_password_reset(
    session: AsyncSession, settings: Settings, token: str, new_password: str, password_hash: str
) -> None:
    """Sets the new password (hashed by the caller) and ends every session of the user.

    The policy is checked again once the code names the account, so a password built
    from the user's own email or name is refused here too; the refusal rolls back, and
    the code stays unspent."""
    record = await _redeem(session, settings, token, PASSWORD_RESET)
    owner = (await users.contacts(session, [record.user_id])).get(record.user_id)
    if owner is not None:
        users.check_password(
            settings, new_password, field="new_password", email=owner.email, name=owner.name
        )
    if not await users.reset_password(session, record.user_id, password_hash):
        raise TokenRefused("invalid", "Invalid token", "The account of this code is gone.")
    await audit.record(
        session,
        "user.password_reset",
        actor=None,
        target_type="user",
        target_id=record.user_id,
        changes={"by": "reset_token"},
    )
