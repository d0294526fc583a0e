from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import ValidationError

from platform_server.auth import service
from platform_server.auth.schemas import (
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    SessionOut,
    TokenPair,
)
from platform_server.core.access import AccountReader, AccountWriter
from platform_server.core.container import Slot, services_of
from platform_server.core.database import DbSession
from platform_server.core.errors import ProblemError, Unprocessable
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.request_context import current_client_ip

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
    response_model=TokenPair,
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


@router.post("/refresh", response_model=TokenPair, summary="Rotate the refresh token")
async def refresh(payload: RefreshRequest, request: Request) -> TokenPair:
    """Gives a new token pair; an already-rotated refresh token revokes its whole session."""
    user_agent, ip = _client(request)
    return await _authenticator(request).refresh(
        payload.refresh_token, user_agent=user_agent, ip=ip
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out")
async def logout(
    request: Request,
    session: DbSession,
    actor: AccountWriter,
    payload: LogoutRequest | None = None,
) -> Response:
    """Ends the session of this access token, or the one of the given refresh token."""
    token = payload.refresh_token if payload else None
    await _authenticator(request).logout(session, actor, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/sessions", response_model=Page[SessionOut], summary="List your sessions")
async def list_sessions(
    session: DbSession, actor: AccountReader, page: PageQuery
) -> Page[SessionOut]:
    return await service.list_sessions(session, actor, page)


@router.delete("/sessions/{id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a session")
async def revoke_session(id: uuid.UUID, session: DbSession, actor: AccountWriter) -> Response:
    await service.revoke_session(session, actor, id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
