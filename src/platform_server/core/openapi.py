"""The OpenAPI document tells the truth about errors, for every route at once.

FastAPI documents a route's success answer and a JSON 422; what the app really
answers on error is `application/problem+json` (see `errors.py`) with statuses that
follow from what the route is made of. `install_openapi` derives them when the
document is built, so a new route is documented without any per-route work:

- 400, 413, 415 on a method with a body (the request middleware refuses an oversized
  body or one that is not JSON; a body that is not valid JSON is a 400);
- 401 and 403 when the route looks at its caller (`CurrentPrincipal`, `requires`,
  `OptionalPrincipal`: a bad token is a 401 even where a caller is optional);
- 404 when the path names a resource (`/things/{id}`);
- 409 on every write (POST, PUT, PATCH, DELETE): a duplicate, a state that forbids
  the change, or a concurrent change on PostgreSQL;
- 422 when the route takes parameters or a body;
- 429 and 503 under the API prefix (rate limits; the database unreachable);
- whatever the route declares itself in `responses=` (402, 502, ...), turned into
  problem+json too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from platform_server.core.access import is_caller_dependency
from platform_server.core.errors import PROBLEM_JSON, problem_types

_RETRY_AFTER = {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}

# What each status means, when the route does not say better, and its headers.
_STATUSES: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("The body is not valid JSON, or the request is malformed", {}),
    401: (
        "Missing, expired, forged or revoked credentials",
        {"WWW-Authenticate": {"description": "The scheme: Bearer", "schema": {"type": "string"}}},
    ),
    403: ("The caller lacks the permission", {}),
    404: ("No such resource, or one the caller may not see", {}),
    409: ("A conflict with the resource's state, a duplicate, or a concurrent change", {}),
    413: ("The body is larger than PLATFORM_MAX_BODY_BYTES", {}),
    415: ("The body is not application/json", {}),
    422: ("Invalid parameters or body; `errors` lists each field", {}),
    429: (
        "Too many requests: a rate limit is spent",
        {
            "Retry-After": _RETRY_AFTER,
            "RateLimit": {
                "description": "Remaining quota per policy",
                "schema": {"type": "string"},
            },
            "RateLimit-Policy": {"description": "The policies", "schema": {"type": "string"}},
        },
    ),
    503: ("The database is unreachable; retry shortly", {"Retry-After": _RETRY_AFTER}),
}
_BODY_METHODS = {"POST", "PUT", "PATCH"}
_WRITE_METHODS = _BODY_METHODS | {"DELETE"}


def problem_schema() -> dict[str, Any]:
    """The RFC 9457 body every error answer has (`components/schemas/Problem`)."""
    return {
        "title": "Problem",
        "type": "object",
        "description": "RFC 9457 problem details. Other members may follow (for example "
        "`decline_code` on a 402).",
        "required": ["type", "title", "status", "detail", "instance", "request_id"],
        "properties": {
            "type": {
                "type": "string",
                "description": "What went wrong, as a relative URI: "
                + ", ".join(f"`{t}`" for t in problem_types()),
            },
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string", "description": "The request path"},
            "request_id": {
                "type": ["string", "null"],
                "description": "Quote it when reporting a problem (also X-Request-ID)",
            },
            "errors": {
                "type": "array",
                "description": "Each invalid field (validation errors)",
                "items": {"$ref": "#/components/schemas/FieldError"},
            },
        },
        "additionalProperties": True,
    }


_FIELD_ERROR = {
    "title": "FieldError",
    "type": "object",
    "required": ["loc", "msg"],
    "properties": {
        "loc": {
            "type": "array",
            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "description": "Where: `body`, `query`, `path` or `header`, then the field "
            "(a list index is a number)",
        },
        "msg": {"type": "string", "description": "What is wrong, in words"},
    },
}


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _dependant(route: RouteContext) -> Dependant:
    found = getattr(route, "dependant", None)  # with the including routers' dependencies
    return found if isinstance(found, Dependant) else route.original_route.dependant  # type: ignore[attr-defined]


def _looks_at_caller(route: RouteContext, is_auth: Callable[[Any], bool]) -> bool:
    return any(d.call is not None and is_auth(d.call) for d in _dependants(_dependant(route)))


def _has_input(route: RouteContext) -> bool:
    if "requestBody" in (route.openapi_extra or {}):  # a body the route reads itself
        return True
    return any(
        d.path_params or d.query_params or d.header_params or d.cookie_params or d.body_params
        for d in _dependants(_dependant(route))
    )


def error_statuses(route: RouteContext, method: str, *, is_auth: Callable[[Any], bool]) -> set[int]:
    """The error statuses `method` on `route` can answer, from what it is made of."""
    statuses = set()
    if method in _BODY_METHODS:
        statuses |= {400, 413, 415}
    if _looks_at_caller(route, is_auth):
        statuses |= {401, 403}
    if "{" in (route.path_format or ""):
        statuses.add(404)
    if method in _WRITE_METHODS:
        statuses.add(409)
    if _has_input(route):
        statuses.add(422)
    return statuses


def _problem_content(declared: dict[str, Any] | None) -> dict[str, Any]:
    """problem+json; a schema the route declared (a 402's payment) extends Problem."""
    problem = {"$ref": "#/components/schemas/Problem"}
    schema = None
    for media in (declared or {}).values():
        found = media.get("schema") if isinstance(media, dict) else None
        if found and found.get("$ref") != "#/components/schemas/HTTPValidationError":
            schema = {"allOf": [problem, found]}
    return {PROBLEM_JSON: {"schema": schema or problem}}


def document_errors(
    spec: dict[str, Any], routes: list[Any], *, is_auth: Callable[[Any], bool], limited_prefix: str
) -> dict[str, Any]:
    """Adds every error answer of every operation of `spec` (built from `routes`)."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = problem_schema()
    schemas["FieldError"] = _FIELD_ERROR
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for route in iter_route_contexts(routes):
        if not isinstance(route.original_route, APIRoute) or not route.path_format:
            continue
        item = spec["paths"].get(route.path_format, {})
        for method in route.methods or ():
            operation = item.get(method.lower())
            if operation is None:
                continue
            statuses = error_statuses(route, method, is_auth=is_auth)
            if route.path_format.startswith(limited_prefix):
                statuses |= {429, 503}
            responses = operation.setdefault("responses", {})
            statuses |= {int(code) for code in responses if code[:1] in "45"}
            for status in sorted(statuses):
                description, headers = _STATUSES.get(status, ("An error", {}))
                answer = responses.setdefault(str(status), {})
                if answer.get("description") in (None, "Validation Error"):
                    answer["description"] = description
                answer["content"] = _problem_content(answer.get("content"))
                if headers:
                    answer["headers"] = {**headers, **answer.get("headers", {})}
    return spec


def install_openapi(app: FastAPI, *, limited_prefix: str) -> None:
    """Makes `app.openapi()` (and /openapi.json) document every error answer."""
    build = app.openapi
    documented: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not documented:
            documented.append(
                document_errors(
                    build(), app.routes, is_auth=is_caller_dependency, limited_prefix=limited_prefix
                )
            )
        return documented[0]

    app.openapi = openapi  # type: ignore[method-assign]
