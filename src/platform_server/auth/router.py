from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status
from pydantic import ValidationError

from platform_server.auth import accounts, service
from platform_server.auth.schemas import (
    EmailRequest,
    LoginRequest,
    LogoutRequest,
    PasswordResetConfirm,
    RefreshRequest,
    SessionOut,
    TokenPair,
    VerifyEmailRequest,
)
from platform_server.core.access import AccountReader, AccountWriter
from platform_server.core.container import SettingsDep, Slot, services_of
from platform_server.core.database import DatabaseDep, DbSession
from platform_server.core.errors import ProblemError, Unprocessable
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.request_context import current_client_ip
from platform_server.core.responses import model_response
from platform_server.core.schemas import AcceptedOut
from platform_server.users import api as users

router = APIRouter(prefix="/auth", tags=["auth"])

_LOGIN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LoginRequest.model_json_schema()},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string", "description": "The email"},
                        "password": {"type": "string"},
                    },
                }
            },
        },
    }
}


AUTHENTICATOR: Slot[service.Authenticator] = Slot("authenticator")


def _authenticator(request: Request) -> service.Authenticator:
    return services_of(request).get(AUTHENTICATOR)


def _client(request: Request) -> tuple[str | None, str | None]:
    # The gateway's view of the address (behind trusted proxies, the forwarded one).
    return request.headers.get("user-agent"), current_client_ip()


async def _login_form(request: Request) -> LoginRequest:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form()
            return LoginRequest(
                email=str(form.get("username") or form.get("email") or ""),
                password=str(form.get("password") or ""),
            )
        return LoginRequest.model_validate(json.loads(await request.body() or b"null"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProblemError("The request body is not valid JSON.", status=400) from exc
    except ValidationError as exc:
        raise Unprocessable(
            "The request body or parameters are invalid.",
            errors=[{"loc": ["body", *map(str, e["loc"])], "msg": e["msg"]} for e in exc.errors()],
        ) from exc


@router.post(
    "/login",
    summary="Sign in",
    openapi_extra=_LOGIN_BODY,
    responses={401: {"description": "Wrong credentials"}, 429: {"description": "Throttled"}},
)
async def login(request: Request) -> TokenPair:
    """JSON `{email, password}`, or the OAuth2 password form (`username` is the email)."""
    data = await _login_form(request)
    user_agent, ip = _client(request)
    return await _authenticator(request).login(
        data.email, data.password, user_agent=user_agent, ip=ip
    )


@router.post(
    "/refresh",
    summary="Rotate the refresh token",
    responses={401: {"description": "The refresh token is expired, revoked or reused"}},
)
async def refresh(payload: RefreshRequest, request: Request) -> TokenPair:
    """Gives a new token pair; an already-rotated refresh token revokes its whole session."""
    user_agent, ip = _client(request)
    return await _authenticator(request).refresh(
        payload.refresh_token, user_agent=user_agent, ip=ip
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out")
async def logout(
    request: Request, session: DbSession, actor: AccountWriter, payload: LogoutRequest | None = None
) -> None:
    """Ends the session of this access token, or the one of the given refresh token."""
    token = payload.refresh_token if payload else None
    await _authenticator(request).logout(session, actor, token)


@router.get("/sessions", summary="List your sessions")
async def list_sessions(
    session: DbSession, actor: AccountReader, page: PageQuery
) -> Page[SessionOut]:
    return await service.list_sessions(session, actor, page)


@router.delete("/sessions/{id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a session")
async def revoke_session(id: uuid.UUID, session: DbSession, actor: AccountWriter) -> None:
    await service.revoke_session(session, actor, id)


_TOKEN_REFUSED: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "The token is not valid, is for another purpose, was used or has "
        "expired (`/problems/token-invalid`, `token-wrong-purpose`, `token-used`, `token-expired`)"
    }
}
_RESEND_SENT = "If that address has an account waiting for verification, a new email is on its way."
_RESET_SENT = "If that address has an account, an email with a reset code is on its way."


@router.post(
    "/verify-email",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Verify an email address",
    responses=_TOKEN_REFUSED,
)
async def verify_email(
    payload: VerifyEmailRequest, settings: SettingsDep, session: DbSession
) -> None:
    """Redeems the code from the verification email (once, before it expires)."""
    await accounts.verify_email(session, settings, payload.token)


class _AfterAnswer:
    """Account email work run after the 202 is sent: the answer is the same, and as fast,
    whatever the address."""

    def __init__(self, settings: SettingsDep, db: DatabaseDep, background: BackgroundTasks):
        self.settings, self.db, self.background = settings, db, background

    def accept(self, work: accounts.EmailJob, email: str, detail: str) -> Response:
        self.background.add_task(accounts.run_quietly, work, self.db, self.settings, email)
        return model_response(AcceptedOut(detail=detail), status.HTTP_202_ACCEPTED)


AfterAnswer = Annotated[_AfterAnswer, Depends()]
_ACCEPTED: dict[str, Any] = {"status_code": status.HTTP_202_ACCEPTED, "response_model": AcceptedOut}


@router.post("/verify-email/resend", summary="Send the verification email again", **_ACCEPTED)
async def resend_verification(payload: EmailRequest, later: AfterAnswer) -> Response:
    """At most `PLATFORM_ACCOUNT_EMAILS_PER_HOUR` emails an hour go to one account."""
    return later.accept(accounts.resend_verification, payload.email, _RESEND_SENT)


@router.post("/password-reset", summary="Ask for a password reset email", **_ACCEPTED)
async def request_password_reset(payload: EmailRequest, later: AfterAnswer) -> Response:
    """A code valid `PLATFORM_PASSWORD_RESET_MINUTES` goes to an active account's address."""
    return later.accept(accounts.request_password_reset, payload.email, _RESET_SENT)


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set a new password with a reset code",
    responses={**_TOKEN_REFUSED, 422: {"description": "The new password breaks the policy"}},
)
async def confirm_password_reset(
    payload: PasswordResetConfirm, settings: SettingsDep, session: DbSession
) -> None:
    """Sets the password (under the password policy) and ends every session of the account."""
    users.check_password(settings, payload.new_password, field="new_password")
    # Hashed before the transaction's first statement: SQLite has one writer.
    password_hash = await users.hash_password_async(payload.new_password)
    await accounts.confirm_password_reset(
        session, settings, payload.token, payload.new_password, password_hash
    )
