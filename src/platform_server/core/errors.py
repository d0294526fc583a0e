"""RFC 9457 problem+json for every error, with the request id."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from platform_server.core.request_context import current_request_id
from platform_server.core.routes import route_template

logger = logging.getLogger("platform_server.errors")

PROBLEM_JSON = "application/problem+json"

_TYPES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    402: ("payment-required", "Payment required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "Validation failed"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal", "Internal server error"),
    502: ("bad-gateway", "Upstream provider failed"),
    503: ("unavailable", "Service unavailable"),
}


def problem_types() -> list[str]:
    """Every `type` a problem body can have (documented in the Problem schema)."""
    return sorted({f"/problems/{slug}" for slug, _ in _TYPES.values()} | _EXTRA_TYPES)


# Types that refine a status's usual one (raise `Unprocessable(..., type=...)`).
INVALID_CURSOR = "/problems/invalid-cursor"
# Bulk files refused whole (bulk/formats.py), and a job that failed as a whole.
_EXTRA_TYPES = {
    INVALID_CURSOR,
    "/problems/file-format",
    "/problems/file-encoding",
    "/problems/file-columns",
    "/problems/file-line-too-long",
    "/problems/job-failed",
}


class ProblemError(Exception):
    """Raise from any layer to answer with a problem+json body."""

    status = 400

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        self.title = title
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class Unauthenticated(ProblemError):
    status = 401

    def __init__(self, detail: str = "Missing or invalid credentials.", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(ProblemError):
    status = 403


class NotFound(ProblemError):
    status = 404


T = TypeVar("T")


def found(value: T | None, detail: str) -> T:
    """``value``, or a 404 saying ``detail`` when there is none."""
    if value is None:
        raise NotFound(detail)
    return value


class Conflict(ProblemError):
    status = 409


class Unprocessable(ProblemError):
    status = 422


class RateLimited(ProblemError):
    status = 429

    def __init__(self, detail: str, *, retry_after: int, **kw: Any) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)}, **kw)


def problem_body(
    status: int,
    detail: str,
    instance: str,
    *,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    slug, default_title = _TYPES.get(status, ("error", HTTPStatus(status).phrase))
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": title or default_title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "request_id": current_request_id(),
    }
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return body


def problem_response(request: Request, problem: ProblemError) -> JSONResponse:
    body = problem_body(
        problem.status,
        problem.detail,
        request.url.path,
        title=problem.title,
        errors=problem.errors,
        extra=problem.extra,
    )
    # Errors raised outside the request-id middleware (500s) still carry the header.
    headers = {"X-Request-ID": body["request_id"] or "", **problem.headers}
    return JSONResponse(body, status_code=problem.status, headers=headers, media_type=PROBLEM_JSON)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        msg = err.get("msg", "invalid value")
        if err.get("type") == "json_invalid":
            msg = "Body is not valid JSON: " + str(err.get("ctx", {}).get("error", msg))
        out.append({"loc": loc, "msg": msg})
    return out


def _path_routes(request: Request) -> list[tuple[str, set[str]]]:
    """The templates and methods of this path's routes, whatever the method; of those,
    only the most literal (`/products/batch` names that resource, not a product whose
    id is "batch")."""
    found = []
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match != Match.NONE and route.path_format:
            found.append((route.path_format, set(route.methods or ())))
    fewest = min((path.count("{") for path, _ in found), default=0)
    return [(path, methods) for path, methods in found if path.count("{") == fewest]


def allowed_methods(request: Request) -> list[str]:
    """Every method this path answers. Starlette's router stops at the first route
    whose path matches (its 405 names that route's methods only), so `/products/{id}`
    would list GET though PATCH and DELETE sit on other routes."""
    return sorted({m for _, methods in _path_routes(request) for m in methods})


def _literal_path_elsewhere(request: Request) -> bool:
    """The method matched a templated route only because the path names a literal
    resource of another route (`PATCH /users/me`): that is a 405, not a bad id."""
    template = route_template(request.scope) or ""
    routes = _path_routes(request)
    return bool(routes) and routes[0][0].count("{") < template.count("{")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()) and (
            _literal_path_elsewhere(request)
        ):
            return problem_response(
                request,
                ProblemError(
                    f"{request.method} is not allowed on {request.url.path}.",
                    status=405,
                    headers={"Allow": ", ".join(allowed_methods(request))},
                ),
            )
        errors = _validation_errors(exc)
        if any(e["msg"].startswith("Body is not valid JSON") for e in errors):
            invalid = ProblemError("The request body is not valid JSON.", errors=errors)
            return problem_response(request, invalid)
        return problem_response(
            request, Unprocessable("The request body or parameters are invalid.", errors=errors)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No route matches {request.method} {request.url.path}."
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}."
            headers["Allow"] = ", ".join(allowed_methods(request))
        return problem_response(
            request, ProblemError(detail, status=exc.status_code, headers=headers)
        )

    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        logger.error("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return problem_response(
            request,
            ProblemError(
                "The database is unreachable; try again shortly.",
                status=503,
                headers={"Retry-After": "5"},
            ),
        )

    # The database cannot be reached (refused, unopenable): a 503, not a bug.
    for unavailable in (sa_exc.OperationalError, sa_exc.InterfaceError, ConnectionError):
        app.add_exception_handler(unavailable, _unavailable)

    @app.exception_handler(sa_exc.TimeoutError)
    async def _pool_exhausted(request: Request, exc: sa_exc.TimeoutError) -> JSONResponse:
        # Every pooled connection stayed busy for PLATFORM_DATABASE_POOL_TIMEOUT_SECONDS.
        logger.warning(
            "no database connection for %s %s: %s", request.method, request.url.path, exc
        )
        return problem_response(request, _busy())

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            request,
            ProblemError(
                "An unexpected error occurred. Quote the request id when reporting it.", status=500
            ),
        )

    @app.exception_handler(sa_exc.DBAPIError)
    async def _database(request: Request, exc: sa_exc.DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:  # the server dropped the connection (a restart)
            return await _unavailable(request, exc)
        if _is_timeout(exc):
            logger.warning(
                "database wait cut short on %s %s: %s", request.method, request.url.path, exc
            )
            return problem_response(request, _busy())
        if _is_contention(exc):
            logger.warning("concurrent update on %s %s: %s", request.method, request.url.path, exc)
            return problem_response(
                request,
                Conflict(
                    "A concurrent change to the same records got in the way; retry the request.",
                    headers={"Retry-After": "1"},
                ),
            )
        return await _unhandled(request, exc)


# PostgreSQL's deadlock_detected and serialization_failure: the request lost a race.
_CONTENTION_STATES = {"40P01", "40001"}


def _busy() -> ProblemError:
    return ProblemError(
        "The database is busy; try again shortly.", status=503, headers={"Retry-After": "1"}
    )


# PostgreSQL's lock_not_available (lock_timeout) and query_canceled (statement_timeout).
_TIMEOUT_STATES = {"55P03", "57014"}


def _is_timeout(exc: sa_exc.DBAPIError) -> bool:
    orig = exc.orig
    return (getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)) in _TIMEOUT_STATES


def _is_contention(exc: sa_exc.DBAPIError) -> bool:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return state in _CONTENTION_STATES or "deadlock detected" in str(orig).lower()
