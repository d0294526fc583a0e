"""The route template of a request (`/api/v1/orders/{id}`), for logs and metrics."""

from __future__ import annotations

import weakref
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.types import Scope

# Per application: each route object -> its full path (an included router's route
# knows only its path inside that router).
_templates: weakref.WeakKeyDictionary[Any, dict[int, str]] = weakref.WeakKeyDictionary()


def _full_paths(app: Any) -> dict[int, str]:
    known = _templates.get(app)
    if known is None:
        known = {
            id(context.original_route): context.path
            for context in iter_route_contexts(app.routes)
            if context.path is not None
        }
        _templates[app] = known
    return known


def route_template(scope: Scope) -> str | None:
    """The matched route's path template, or None when no route matched (a 404)."""
    route = scope.get("route")
    if route is None:
        return None
    app = scope.get("app")
    template = _full_paths(app).get(id(route)) if app is not None else None
    return template or getattr(route, "path", None)
