"""Resolving the caller from `Authorization: Bearer <JWT or API key>`.

Resolution reads outside any transaction, before the request's own one begins,
and re-checks the user on every call: a suspended user's tokens and keys stop
working at once, and role changes apply at once. The two reads need no common
snapshot: a session or user changed between them is caught on the next call.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from platform_server.api_keys import api as api_keys
from platform_server.auth import api as auth
from platform_server.core.database import Database, utcnow
from platform_server.core.errors import Forbidden, Unauthenticated
from platform_server.core.permissions import Permission, permissions_for
from platform_server.core.principal import Principal, set_current_principal
from platform_server.core.security import API_KEY_PREFIX, TokenSigner, is_well_formed_api_key
from platform_server.users import api as users

# Declares the scheme in OpenAPI, so the "Authorize" button of /docs logs in.
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)

# last_used_at is a write; doing it at most this often keeps reads read-only.
_TOUCH_EVERY = timedelta(seconds=60)


async def _resolve(request: Request, token: str) -> Principal:
    state: Any = request.app.state
    db: Database = state.db
    if token.startswith(API_KEY_PREFIX):
        return await _resolve_api_key(request, db, token)
    signer: TokenSigner = state.signer
    claims = signer.verify(token)
    async with db.lookups(request) as session:
        record = await auth.active_session(session, claims.session_id)
        user = await users.identity(session, claims.user_id) if record else None
    if record is None or user is None or record.user_id != user.id:
        raise Unauthenticated("The session behind this token has ended; sign in again.")
    if user.status != "active":
        raise Unauthenticated("The account is suspended.")
    if utcnow() - record.last_used_at > _TOUCH_EVERY:
        async with db.transaction() as session:
            await auth.touch_session(session, record.id)
    return Principal(
        user_id=user.id,
        email=user.email,
        role=user.role,
        permissions=permissions_for(user.role),
        session_id=record.id,
    )


async def _resolve_api_key(request: Request, db: Database, token: str) -> Principal:
    if not is_well_formed_api_key(token):
        raise Unauthenticated("The API key is malformed (its checksum does not match).")
    async with db.lookups(request) as session:
        key = await api_keys.find_active(session, request.app.state.settings, token)
        user = await users.identity(session, key.user_id) if key else None
    if key is None or user is None:
        raise Unauthenticated("The API key is not valid, or was revoked or has expired.")
    if user.status != "active":
        raise Unauthenticated("The account is suspended.")
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at > _TOUCH_EVERY:
        async with db.transaction() as session:
            await api_keys.touch(session, key.id, now)
    # Scopes narrow what the key can do; a role change narrows it further at once.
    role_permissions = permissions_for(user.role)
    return Principal(
        user_id=user.id,
        email=user.email,
        role=user.role,
        permissions=frozenset(p for p in role_permissions if p.value in key.scopes),
        api_key_id=key.id,
    )


async def _caller(request: Request, token: str | None) -> Principal | None:
    """The caller, resolved once per request however many dependencies ask."""
    if not token:
        return None
    known: Principal | None = getattr(request.state, "principal", None)
    if known is None:
        known = await _resolve(request, token)
        request.state.principal = known
        # Events and audit records name their actor without every call passing it down.
        set_current_principal(known)
    return known


async def optional_principal(
    request: Request, token: Annotated[str | None, Depends(_bearer)]
) -> Principal | None:
    return await _caller(request, token)


async def current_principal(
    request: Request, token: Annotated[str | None, Depends(_bearer)]
) -> Principal:
    principal = await _caller(request, token)
    if principal is None:
        raise Unauthenticated("Sign in first: send Authorization: Bearer <token or API key>.")
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def requires(*permissions: Permission) -> Any:
    """`actor: Annotated[Principal, requires(Permission.X)]` in a route signature;
    with several permissions, any one of them is enough."""
    names = " or ".join(p.value for p in permissions)

    # One dependency deep (FastAPI's per-level cost is paid on every request).
    async def check(request: Request, token: Annotated[str | None, Depends(_bearer)]) -> Principal:
        principal = await current_principal(request, token)
        if not any(principal.can(p) for p in permissions):
            raise Forbidden(f"This needs the {names} permission.")
        return principal

    return Depends(check)


# Scoped API keys must hold these even for the caller's own account.
AccountReader = Annotated[Principal, requires(Permission.ACCOUNT_READ)]
AccountWriter = Annotated[Principal, requires(Permission.ACCOUNT_WRITE)]
