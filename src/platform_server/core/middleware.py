"""Pure ASGI middleware: request id, access log, body size and media type guards."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_server.core.errors import PROBLEM_JSON, problem_body
from platform_server.core.logging import get_logger
from platform_server.core.request_context import set_client_ip, set_request_id, start_caller
from platform_server.core.routes import route_template

access_log = get_logger("platform_server.access")

_BODY_METHODS = {b"POST", b"PUT", b"PATCH"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Paths that also accept an HTML-style form (the OAuth2 password flow of /docs).
_FORM_PATHS = {"/api/v1/auth/login"}


class _BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing passes it through as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body exceeds {limit} bytes.")


# What a multipart upload adds around its file (boundaries, part headers).
UPLOAD_OVERHEAD_BYTES = 64 * 1024


class RequestMiddleware:
    """`uploads`: the paths (patterns, matched whole) that take a multipart/form-data
    file of up to `max_upload_bytes` instead of a JSON body of up to `max_body_bytes`;
    `large_uploads` take one of up to `max_large_upload_bytes` (bulk import files)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        uploads: Sequence[re.Pattern[str]] = (),
        max_upload_bytes: int = 0,
        large_uploads: Sequence[re.Pattern[str]] = (),
        max_large_upload_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.uploads = tuple(uploads)
        self.max_upload_bytes = max_upload_bytes + UPLOAD_OVERHEAD_BYTES
        self.large_uploads = tuple(large_uploads)
        self.max_large_upload_bytes = max_large_upload_bytes + UPLOAD_OVERHEAD_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        rid = set_request_id(headers.get(b"x-request-id", b"").decode("latin-1"))
        client = scope.get("client")
        set_client_ip(client[0] if client else None)
        start_caller()
        started = time.perf_counter()
        status_holder: dict[str, int] = {}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                raw = list(message.get("headers", []))
                if not any(k.lower() == b"x-request-id" for k, _ in raw):
                    raw.append((b"x-request-id", rid.encode()))
                message["headers"] = raw
            await send(message)

        large = any(p.fullmatch(scope["path"]) for p in self.large_uploads)
        upload = large or any(p.fullmatch(scope["path"]) for p in self.uploads)
        limit = (
            self.max_large_upload_bytes
            if large
            else self.max_upload_bytes
            if upload
            else self.max_body_bytes
        )
        rejection = self._reject(scope, headers, limit, upload)
        if rejection is not None:
            await _send_problem(send_with_id, scope, *rejection, errors=_nul_fields(scope))
        else:
            await self.app(scope, _limited(receive, limit), send_with_id)
        _log_access(scope, status_holder.get("status", 500), started)

    def _reject(
        self, scope: Scope, headers: dict[bytes, bytes], limit: int, upload: bool
    ) -> tuple[int, str] | None:
        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            # No text column can store NUL (PostgreSQL refuses it): say so up front.
            return 422, "Query parameters may not contain NUL characters."
        if scope["method"].encode() not in _BODY_METHODS:
            return None
        length = headers.get(b"content-length")
        if length is not None:
            try:
                if int(length) > limit:
                    return 413, f"The request body exceeds {limit} bytes."
            except ValueError:
                return 400, "Content-Length is not a number."
            if int(length) == 0:
                return None
        ctype = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        if not ctype and length is None:
            return None
        if ctype == "application/json" or ctype.endswith("+json"):
            return None
        if ctype in _FORM_TYPES and scope["path"] in _FORM_PATHS:
            return None
        if upload:
            if ctype == "multipart/form-data":
                return None
            return 415, f"Send the file as multipart/form-data (got {ctype or 'no Content-Type'})."
        return 415, f"Send the body as application/json (got {ctype or 'no Content-Type'})."


def _limited(receive: Receive, limit: int) -> Receive:
    """`receive` that stops the request once its body passes `limit` bytes: the rest
    is never read (a 413 goes out instead)."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooLarge(limit)
        return message

    return wrapped


def _log_access(scope: Scope, status: int, started: float) -> None:
    """One line a request; the request id and caller come from the request context."""
    (access_log.error if status >= 500 else access_log.info)(
        "request",
        method=scope["method"],
        route=route_template(scope),
        path=scope["path"],
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def _nul_fields(scope: Scope) -> list[dict[str, Any]] | None:
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    bad = [name for name, value in pairs if "\x00" in name or "\x00" in value]
    if not bad:
        return None
    return [{"loc": ["query", name], "msg": "may not contain NUL characters"} for name in bad]


async def _send_problem(
    send: Send, scope: Scope, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> None:
    payload = json.dumps(problem_body(status, detail, scope["path"], errors=errors)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
