"""Puts the gateway in front of the app: one call from the app factory."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware

from platform_server.core.settings import Settings
from platform_server.gateway.client_ip import ClientAddress, parse_networks
from platform_server.gateway.headers import SecurityHeadersMiddleware, cors_options
from platform_server.gateway.limiter import Limiter
from platform_server.gateway.ratelimit import RateLimitMiddleware


def install_gateway(app: Starlette, settings: Settings) -> Limiter:
    """Adds, outermost first: security headers, CORS, rate limits.

    Call it before adding the request-id middleware, which must stay outside these so
    their answers (a 429, a refused preflight) carry the request id.
    """
    addresses = ClientAddress(parse_networks(settings.trusted_proxies))
    limiter = Limiter(settings)
    # add_middleware puts each one outside those added before it.
    app.add_middleware(RateLimitMiddleware, settings=settings, limiter=limiter, addresses=addresses)
    cors: dict[str, Any] | None = cors_options(settings)
    if cors is not None:
        app.add_middleware(CORSMiddleware, **cors)
    app.add_middleware(SecurityHeadersMiddleware, settings=settings, addresses=addresses)
    return limiter
