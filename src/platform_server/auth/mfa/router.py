"""`/auth/mfa/…`: TOTP enrolment and the second step of signing in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from platform_server.auth.mfa import service
from platform_server.auth.mfa.schemas import (
    MfaCodeIn,
    MfaEnrollment,
    MfaRecoveryCodes,
    MfaVerifyIn,
)
from platform_server.auth.router import AUTHENTICATOR
from platform_server.auth.schemas import TokenPair
from platform_server.auth.service import Authenticator
from platform_server.core.access import AccountWriter
from platform_server.core.container import SettingsDep, services_of
from platform_server.core.database import DbSession

router = APIRouter(prefix="/auth/mfa", tags=["auth"])

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


@router.post(
    "/enroll",
    response_model=MfaEnrollment,
    summary="Start enrolling a TOTP second factor",
    responses={401: {"description": "Not signed in"}, 409: {"description": "Already on"}},
)
async def enroll(settings: SettingsDep, session: DbSession, actor: AccountWriter) -> MfaEnrollment:
    """A new secret and its `otpauth://` URI, shown this once; on after `confirm`."""
    return await service.enroll(session, settings, actor)


@router.post(
    "/confirm",
    response_model=MfaRecoveryCodes,
    summary="Turn the second factor on with a first code",
    responses=_SIGNED_IN,
)
async def confirm(
    payload: MfaCodeIn, request: Request, session: DbSession, actor: AccountWriter
) -> MfaRecoveryCodes:
    """Turns TOTP on and answers the recovery codes, shown this once."""
    return await service.confirm(_authenticator(request), session, actor, payload.code)


@router.post(
    "/disable",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Turn the second factor off",
    responses=_SIGNED_IN,
)
async def disable(
    payload: MfaCodeIn, request: Request, session: DbSession, actor: AccountWriter
) -> Response:
    """Needs a current code or an unused recovery code."""
    await service.disable(_authenticator(request), session, actor, payload.code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/recovery-codes",
    response_model=MfaRecoveryCodes,
    summary="Replace the recovery codes",
    responses=_SIGNED_IN,
)
async def recovery_codes(
    payload: MfaCodeIn, request: Request, session: DbSession, actor: AccountWriter
) -> MfaRecoveryCodes:
    """New recovery codes (the old ones stop working); needs a current code."""
    return await service.regenerate(_authenticator(request), session, actor, payload.code)


@router.post(
    "/verify",
    response_model=TokenPair,
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
async def verify(payload: MfaVerifyIn, request: Request) -> TokenPair:
    """The `challenge` of the login's `/problems/mfa-required` answer and a TOTP or
    recovery code; answers the token pair of a new session that passed MFA."""
    return await service.verify(
        _authenticator(request),
        payload.challenge,
        payload.code,
        user_agent=request.headers.get("user-agent"),
    )
