"""`/auth/mfa/…`: TOTP enrolment and the second step of signing in."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request, status

from platform_server.auth.mfa import service
from platform_server.auth.mfa.schemas import MfaCodeIn, MfaEnrollment, MfaVerifyIn
from platform_server.auth.mfa.schemas import MfaRecoveryCodes as Codes
from platform_server.auth.router import AUTHENTICATOR
from platform_server.auth.schemas import TokenPair
from platform_server.auth.service import Authenticator
from platform_server.core.access import AccountWriter, requires
from platform_server.core.access import AccountWriter as Writer
from platform_server.core.container import SettingsDep, services_of
from platform_server.core.database import DbSession
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal

router = APIRouter(prefix="/auth/mfa", tags=["auth"])
# An admin's reset of another user's factor is an operation on that user.
users_router = APIRouter(prefix="/users", tags=["users"])
F = TypeVar("F", bound=Callable[..., Any])

_WRONG_CODE = {"description": "Wrong or already used code (`/problems/mfa-code-invalid`)"}
_THROTTLED = {"description": "Too many wrong codes or passwords"}
_SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: _WRONG_CODE,
    409: {"description": "Two-factor sign-in is not on (or already on)"},
    429: _THROTTLED,
}


def _authenticator(request: Request) -> Authenticator:
    return services_of(request).get(AUTHENTICATOR)


Authn = Annotated[Authenticator, Depends(_authenticator)]


def _with_code(path: str, summary: str, **kw: Any) -> Callable[[F], F]:
    """A signed-in operation that needs a current code."""
    return router.post(path, summary=summary, responses=_SIGNED_IN, **kw)


@router.post(
    "/enroll",
    summary="Start enrolling a TOTP second factor",
    responses={401: {"description": "Not signed in"}, 409: {"description": "Already on"}},
)
async def enroll(settings: SettingsDep, session: DbSession, actor: AccountWriter) -> MfaEnrollment:
    """A new secret and its `otpauth://` URI, shown this once; on after `confirm`."""
    return await service.enroll(session, settings, actor)


@_with_code("/confirm", "Turn the second factor on with a first code", response_model=Codes)
async def confirm(payload: MfaCodeIn, authn: Authn, session: DbSession, actor: Writer) -> Codes:
    """Turns TOTP on and answers the recovery codes, shown this once."""
    return await service.confirm(authn, session, actor, payload.code)


@_with_code("/disable", "Turn the second factor off", status_code=204)
async def disable(payload: MfaCodeIn, authn: Authn, session: DbSession, actor: Writer) -> None:
    """Needs a current code or an unused recovery code."""
    await service.disable(authn, session, actor, payload.code)


@_with_code("/recovery-codes", "Replace the recovery codes", response_model=Codes)
async def recovery_codes(
    payload: MfaCodeIn, authn: Authn, session: DbSession, actor: Writer
) -> Codes:
    """New recovery codes (the old ones stop working); needs a current code."""
    return await service.regenerate(authn, session, actor, payload.code)


@router.post(
    "/verify",
    summary="Finish signing in with a code",
    responses={
        401: {
            "description": "Wrong or used code, or an expired or invalid challenge "
            "(`/problems/mfa-code-invalid`, `/problems/mfa-challenge-expired`, "
            "`/problems/mfa-challenge-invalid`)"
        },
        429: _THROTTLED,
    },
)
async def verify(payload: MfaVerifyIn, request: Request, authn: Authn) -> TokenPair:
    """The `challenge` of the login's `/problems/mfa-required` answer and a TOTP or
    recovery code; answers the token pair of a new session that passed MFA."""
    return await service.verify(
        authn, payload.challenge, payload.code, user_agent=request.headers.get("user-agent")
    )


@users_router.delete(
    "/{id}/mfa",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Reset a user's second factor",
    responses={
        403: {"description": "Not an admin, or the caller's own account (use disable)"},
        409: {"description": "The user has no second factor"},
    },
)
async def reset_mfa(
    id: uuid.UUID, session: DbSession, actor: Annotated[Principal, requires(Permission.USERS_WRITE)]
) -> None:
    """Admin only: turns the user's TOTP off, drops their recovery codes and ends their
    sessions, so they sign in with the password and enrol again. Audited."""
    await service.reset(session, actor, id)
