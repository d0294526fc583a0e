"""Security headers on every answer, `no-store` on those carrying a secret, and CORS."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_server.core.settings import Settings
from platform_server.gateway.client_ip import ClientAddress

# The API answers JSON only: nothing may load, frame or be framed.
_API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# /docs is Swagger UI from jsDelivr, started by an inline script.
_DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.jsdelivr.net; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
# Answers that carry a token or a secret (RFC 6749 §5.1): never stored by any cache.
_SECRET_ROUTES = re.compile(
    r"^/api/v1/(auth/login|auth/refresh|api-keys|webhooks|webhooks/[^/]+/rotate-secret)$"
)
_NO_STORE = ((b"cache-control", b"no-store"), (b"pragma", b"no-cache"))
# Headers a browser script on an allowed origin may read.
EXPOSED = ["RateLimit", "RateLimit-Policy", "Retry-After", "X-Request-ID", "Location"]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, settings: Settings, addresses: ClientAddress) -> None:
        self.app = app
        self.addresses = addresses
        self.hsts = f"max-age={settings.hsts_seconds}; includeSubDomains".encode()
        self.hsts_on = settings.hsts_seconds > 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        extra = [*_COMMON]
        csp = _DOCS_CSP if path == "/docs" or path.startswith("/docs/") else _API_CSP
        extra.append((b"content-security-policy", csp.encode()))
        if self.hsts_on and self.addresses.scheme(scope) == "https":
            extra.append((b"strict-transport-security", self.hsts))
        secret = scope["method"] == "POST" and bool(_SECRET_ROUTES.match(path))
        replaced = {name for name, _ in extra} | (
            {b"cache-control", b"pragma"} if secret else set()
        )
        if secret:
            extra.extend(_NO_STORE)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in replaced]
                message["headers"] = [*kept, *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def cors_options(settings: Settings) -> dict[str, object] | None:
    """CORSMiddleware's arguments, or None when no origin is allowed."""
    origins = [o.strip().rstrip("/") for o in settings.cors_origins.split(",") if o.strip()]
    if not origins:
        return None
    return {
        "allow_origins": origins,
        "allow_credentials": settings.cors_allow_credentials,
        "allow_methods": ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        "allow_headers": [
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "X-Request-ID",
            "Last-Event-ID",
            "If-Match",
            "If-None-Match",
        ],
        "expose_headers": EXPOSED,
        "max_age": 600,
    }
