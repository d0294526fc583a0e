"""Catalog reads answered from the catalog cache before FastAPI's routing and
dependency solving.

On a signed-in `GET /api/v1/products` served from the cache, FastAPI's route matching
through the included routers and its dependency solving (the page, the filters model,
the caller) were about 55 % of the process's CPU, against a few percent for the cache
lookup itself (docs/benchmarks.md). This route comes first in the application's
router: for a `GET` of a cached path it resolves the caller as `OptionalPrincipal`
does (same bearer parsing, same errors, rendered by the same exception handlers, as
it runs inside starlette's exception middleware), looks the page up under the key
the route itself uses (`router.cache_key`), and sends the stored bytes. Anything
else, a miss included, goes on to the real route by routing the request again with
this route stepped aside; the caller and the miss's lookup travel in the request's
state, so neither is resolved nor counted twice. A stored page only exists for a
query the real route answered 200, so no validation is skipped for a cached answer.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from platform_server.core.access import caller_of
from platform_server.core.container import services_of
from platform_server.products.router import CATALOG_CACHE, cache_key

_PASSED = "platform.catalog_fast_read_passed"


class CachedCatalogReads(BaseRoute):
    """Put first in `app.router.routes` (`install`); `paths` are full paths."""

    def __init__(self, router: Any, paths: tuple[str, ...]) -> None:
        self.router = router
        self.paths = frozenset(paths)
        self.path = "|".join(sorted(paths))  # for anything that reads `route.path`
        self.include_in_schema = False

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"] in self.paths
            and _PASSED not in scope
        ):
            return Match.FULL, {}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        cache = services_of(request).get(CATALOG_CACHE)
        if cache.enabled:
            actor = await caller_of(request)
            found = await cache.lookup(cache_key(request, actor))
            if found.body is not None:
                # The template the metrics and the access log label the request by.
                scope["route"] = _Template(scope["path"])
                await Response(found.body, media_type="application/json")(scope, receive, send)
                return
            request.state.catalog_lookup = found
        scope[_PASSED] = True
        await self.router.app(scope, receive, send)


class _Template:
    def __init__(self, path: str) -> None:
        self.path = path


def install(app: Any, paths: tuple[str, ...]) -> None:
    """Answers cached reads of these full paths before any other route is tried."""
    app.router.routes.insert(0, CachedCatalogReads(app.router, paths))
