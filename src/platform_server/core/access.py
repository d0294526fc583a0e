"""Who may call a route: the dependencies every router declares.

`Authorization: Bearer <JWT or API key>` is turned into a `Principal` by the auth
domain (its `CallerResolver`, which `app.py` puts in the container); routers depend
only on this module, so no domain imports auth to protect its routes.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from platform_server.core.container import services_of
from platform_server.core.errors import Forbidden, Unauthenticated
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal, set_current_principal
from platform_server.core.settings import Settings

# Declares the scheme in OpenAPI, so the "Authorize" button of /docs logs in.
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


class CallerResolver(Protocol):
    """Turns a bearer token (a JWT or an API key) into its caller, or raises
    `Unauthenticated`; implemented by the auth domain."""

    async def resolve(self, request: Request, token: str) -> Principal: ...


async def _caller(request: Request, token: str | None) -> Principal | None:
    """The caller, resolved once per request however many dependencies ask."""
    if not token:
        return None
    known: Principal | None = getattr(request.state, "principal", None)
    if known is None:
        known = await services_of(request).callers.resolve(request, token)
        request.state.principal = known
        # Events and audit records name their actor without every call passing it down.
        set_current_principal(known)
    return known


async def caller_of(request: Request) -> Principal | None:
    """The caller of a request handled outside FastAPI's dependencies (a pure-ASGI fast
    path): the same bearer parsing, resolution and errors as `OptionalPrincipal`."""
    return await _caller(request, await _bearer(request))


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


def is_caller_dependency(call: Any) -> bool:
    """Whether a dependency looks at the caller (every one above reads the bearer
    token): the OpenAPI document then lists 401 and 403 for the route."""
    return call is _bearer


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


def require_verified_email(settings: Settings, principal: Principal, feature: str) -> None:
    """A 403 (`/problems/email-not-verified`) when `feature` needs a verified address
    (`PLATFORM_REQUIRE_VERIFIED_EMAIL_FOR`) and the caller has not verified theirs."""
    gated = {f.strip() for f in settings.require_verified_email_for.split(",") if f.strip()}
    if feature in gated and not principal.email_verified:
        raise Forbidden(
            "Verify your email address first: follow the link in the email we sent, or ask "
            "for a new one with POST /api/v1/auth/verify-email/resend.",
            type="/problems/email-not-verified",
            title="Email address not verified",
        )


# Scoped API keys must hold these even for the caller's own account.
AccountReader = Annotated[Principal, requires(Permission.ACCOUNT_READ)]
AccountWriter = Annotated[Principal, requires(Permission.ACCOUNT_WRITE)]
# Order callers, as the orders, payments and invoices routes share them: a buyer
# places, pays and reads their own orders; staff manage everyone's.
OrderBuyer = Annotated[Principal, requires(Permission.ORDERS_WRITE)]
OrderStaff = Annotated[Principal, requires(Permission.ORDERS_MANAGE)]
# Who changes the catalog: its products, their images and their prices.
CatalogStaff = Annotated[Principal, requires(Permission.CATALOG_WRITE)]
# One's own account (account:read) or anyone's (users:read, checked per user by the service).
UserViewer = Annotated[Principal, requires(Permission.ACCOUNT_READ, Permission.USERS_READ)]
