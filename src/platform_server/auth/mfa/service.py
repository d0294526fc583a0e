"""TOTP second factor: enrol, confirm, disable, new recovery codes, and the second step
of signing in. Codes, secrets and recovery codes never reach logs, audit or errors."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.auth.mfa import codes, repository
from platform_server.auth.mfa.schemas import MfaEnrollment, MfaRecoveryCodes
from platform_server.auth.schemas import TokenPair
from platform_server.core.database import utcnow
from platform_server.core.errors import Conflict, Forbidden, NotFound, ProblemError, Unauthenticated
from platform_server.core.principal import Principal
from platform_server.core.request_context import current_client_ip
from platform_server.core.settings import Settings
from platform_server.users import api as users

if TYPE_CHECKING:
    from platform_server.auth.service import Authenticator

CODE_INVALID = "/problems/mfa-code-invalid"
WRONG_CODE = "The code is not correct, or was already used."


async def enabled(session: AsyncSession, user_id: uuid.UUID) -> bool:
    return await repository.confirmed(session, user_id)


def challenge(settings: Settings, user_id: uuid.UUID) -> ProblemError:
    """The 401 a correct password gets when the account has a second factor."""
    return Unauthenticated(
        "Enter the code from your authenticator app (or a recovery code) to finish signing in.",
        title="Second factor required",
        type="/problems/mfa-required",
        mfa_required=True,
        challenge=codes.issue_challenge(settings, user_id),
        expires_in=int(settings.mfa_challenge_minutes * 60),
    )


async def enroll(session: AsyncSession, settings: Settings, actor: Principal) -> MfaEnrollment:
    if await repository.confirmed(session, actor.user_id):
        raise Conflict("Two-factor sign-in is already on; disable it first to enrol again.")
    secret = codes.new_secret()
    await repository.put_factor(session, actor.user_id, codes.encrypt(settings, secret))
    uri = codes.provisioning_uri(settings, secret, actor.email)
    return MfaEnrollment(secret=secret, provisioning_uri=uri)


async def confirm(
    authn: Authenticator, session: AsyncSession, actor: Principal, code: str
) -> MfaRecoveryCodes:
    settings = authn.settings
    factor = await repository.factor(session, actor.user_id)
    if factor is None or factor.confirmed_at is not None:
        detail = "Start with enroll." if factor is None else "Two-factor sign-in is already on."
        raise Conflict(f"There is no enrolment to confirm. {detail}")
    await _throttle(authn, actor.email)
    secret = codes.decrypt(settings, factor.secret_encrypted)
    step = codes.matching_step(secret, code) if secret else None
    if step is None or not await repository.accept_step(session, actor.user_id, step):
        await _wrong_code(authn, actor.email, actor.user_id)
    await repository.confirm(session, actor.user_id, utcnow())
    if actor.session_id is not None:
        await repository.mark_session(session, actor.session_id)
    await _audit(session, "auth.mfa_enabled", actor)
    return await _new_recovery_codes(session, settings, actor.user_id)


async def disable(authn: Authenticator, session: AsyncSession, actor: Principal, code: str) -> None:
    await _prove(authn, session, actor, code)
    await repository.remove(session, actor.user_id)
    await _audit(session, "auth.mfa_disabled", actor)


async def reset(session: AsyncSession, actor: Principal, user_id: uuid.UUID) -> None:
    """An admin turns another user's second factor off (a lost phone, no recovery codes
    left): the factor, its recovery codes and every session of the user go, so the user
    signs in again with the password alone and enrols anew. Audited; never one's own
    (that is `disable`, with a code: a stolen admin session must not drop its own factor)."""
    if user_id == actor.user_id:
        raise Forbidden("Turn your own second factor off with a current code (auth mfa disable).")
    user = await users.identity(session, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist.")
    if await repository.factor(session, user_id) is None:
        raise Conflict("This user has no second factor to reset.")
    await repository.remove(session, user_id)
    await users.credentials_changed.emit(session, user_id, None)
    await audit.record(
        session, "auth.mfa_reset", actor=actor, target_type="user", target_id=user_id
    )


async def regenerate(
    authn: Authenticator, session: AsyncSession, actor: Principal, code: str
) -> MfaRecoveryCodes:
    await _prove(authn, session, actor, code)
    await _audit(session, "auth.mfa_recovery_codes_replaced", actor)
    return await _new_recovery_codes(session, authn.settings, actor.user_id)


async def verify(
    authn: Authenticator, challenge_token: str, code: str, *, user_agent: str | None
) -> TokenPair:
    """The second step of signing in: the challenge of the password step and a code."""
    user_id = codes.read_challenge(authn.settings, challenge_token)
    async with authn.db.transaction(write=False) as session:
        user = await users.identity(session, user_id)
    if user is None or user.status != "active":
        raise Unauthenticated(
            "The sign-in challenge is not valid; sign in with your password again.",
            type="/problems/mfa-challenge-invalid",
        )
    await _throttle(authn, user.email)
    ip = current_client_ip()
    signed_in = Principal(
        user_id=user.id, email=user.email, role=user.role, permissions=frozenset()
    )
    async with authn.db.transaction() as session:
        method = await _check(session, authn.settings, user.id, code)
        if method is not None:
            pair = await authn.open_session(session, user.id, user_agent, ip, mfa=True)
            await audit.record(
                session,
                "auth.login",
                actor=signed_in,
                target_type="user",
                target_id=user.id,
                changes={"mfa": method},
            )
    if method is None:
        await _wrong_code(authn, user.email, user.id, status=401)
    await authn.clear_failures(user.email)
    return pair


async def _check(
    session: AsyncSession, settings: Settings, user_id: uuid.UUID, code: str
) -> str | None:
    """ "totp" or "recovery" when `code` is a valid unused one (and now used), else None."""
    factor = await repository.factor(session, user_id)
    if factor is None or factor.confirmed_at is None:
        return None
    if codes.looks_like_totp(code):
        secret = codes.decrypt(settings, factor.secret_encrypted)
        step = codes.matching_step(secret, code) if secret else None
        if step is not None and await repository.accept_step(session, user_id, step):
            return "totp"
        return None
    code_hash = codes.recovery_hash(settings, code)
    if await repository.use_recovery_code(session, user_id, code_hash, utcnow()):
        return "recovery"
    return None


async def _prove(authn: Authenticator, session: AsyncSession, actor: Principal, code: str) -> None:
    if not await repository.confirmed(session, actor.user_id):
        raise Conflict("Two-factor sign-in is not on.")
    await _throttle(authn, actor.email)
    if await _check(session, authn.settings, actor.user_id, code) is None:
        await _wrong_code(authn, actor.email, actor.user_id)


async def _new_recovery_codes(
    session: AsyncSession, settings: Settings, user_id: uuid.UUID
) -> MfaRecoveryCodes:
    fresh = codes.new_recovery_codes(settings.mfa_recovery_codes)
    hashes = [codes.recovery_hash(settings, c) for c in fresh]
    await repository.replace_recovery_codes(session, user_id, hashes)
    return MfaRecoveryCodes(recovery_codes=fresh)


# Wrong codes count toward the failed sign-in throttle (per account and per address).


async def _throttle(authn: Authenticator, email: str) -> None:
    await authn.refuse_if_throttled(email, current_client_ip())


async def _wrong_code(
    authn: Authenticator, email: str, user_id: uuid.UUID, *, status: int = 403
) -> None:
    """Count the failure, record a failed sign-in (never the code) and refuse."""
    await authn.count_failure(email, current_client_ip())
    if status == 401:
        # Outside any transaction (a signed-in request's own may hold SQLite's writer).
        await audit.record_now(
            authn.db,
            "auth.mfa_failed",
            actor_email=email[:255],
            target_type="user",
            target_id=user_id,
        )
        raise Unauthenticated(WRONG_CODE, title="Wrong code", type=CODE_INVALID)
    raise Forbidden(WRONG_CODE, title="Wrong code", type=CODE_INVALID)


async def _audit(session: AsyncSession, action: str, actor: Principal) -> None:
    await audit.record(session, action, actor=actor, target_type="user", target_id=actor.user_id)


@users.user_deleted.connect
async def _forget_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    await repository.remove(session, user_id)
