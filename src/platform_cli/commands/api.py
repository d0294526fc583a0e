"""`platform api METHOD PATH`: any endpoint, authenticated like every other command (cf. `gh api`).

The SDK has no public "raw request" method, so this uses httpx directly with the SDK
client's base URL and credential (refreshed through the SDK, persisted through its
``on_tokens_refreshed`` hook) and the SDK's error classes for failed responses.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.context import OutputOption, connection, output, state

if TYPE_CHECKING:
    import httpx

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def parse_value(raw: str) -> Any:
    """Like `gh api -F`: true/false/null and numbers are typed, the rest is a string."""
    if raw in ("true", "false"):
        return raw == "true"
    if raw == "null":
        return None
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        number = float(raw)
    except ValueError:
        return raw
    return number if raw.strip().lower() not in ("nan", "inf", "-inf", "infinity") else raw


def parse_fields(fields: list[str]) -> dict[str, Any]:
    from platform_cli.errors import UsageError

    result: dict[str, Any] = {}
    for item in fields:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"-f expects key=value, got {item!r}")
        result[key] = parse_value(value)
    return result


def parse_headers(headers: list[str]) -> dict[str, str]:
    from platform_cli.errors import UsageError

    result: dict[str, str] = {}
    for item in headers:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"-H expects 'Name: value', got {item!r}")
        result[name.strip()] = value.strip()
    return result


def api(
    ctx: typer.Context,
    method: Annotated[
        str, typer.Argument(help="GET, POST, PUT, PATCH or DELETE (may be left out: GET).")
    ],
    path: Annotated[
        str | None,
        typer.Argument(
            help="`users/me` (under /api/v1) or an absolute path like /healthz.",
            show_default=False,
        ),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            "-f",
            help="key=value: query parameter for GET/DELETE, JSON body field otherwise; "
            "true/false/null and numbers are typed.",
            show_default=False,
        ),
    ] = None,
    header: Annotated[
        list[str] | None,
        typer.Option("--header", "-H", help="Extra header 'Name: value'.", show_default=False),
    ] = None,
    input_file: Annotated[
        str | None,
        typer.Option(
            "--input", help="Request body from a file, or `-` for stdin (JSON).", show_default=False
        ),
    ] = None,
    paginate: Annotated[
        bool, typer.Option("--paginate", help="Follow next_cursor and print every item.")
    ] = False,
    fmt: OutputOption = None,
) -> None:
    """Call any endpoint and print the JSON answer.

    Examples: `platform api users/me`, `platform api POST users -f email=a@b.c -f name=A
    -f password=...`, `platform api users --paginate -o jsonl`.
    """
    import httpx

    from platform_cli.errors import UsageError
    from platform_sdk.errors import make_status_error

    if path is None:  # `platform api users/me`, like `gh api`: GET, or POST with fields
        method, path = ("POST" if (field or input_file) and not paginate else "GET"), method
    method = method.upper()
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if path.startswith(("http://", "https://")):
        raise UsageError("give a path, not a URL; the server comes from the profile")
    if not path.startswith("/"):
        path = "/api/v1/" + path
    fields = parse_fields(field or [])
    headers = parse_headers(header or [])
    if paginate and method != "GET":
        raise UsageError("--paginate works with GET only")

    params: dict[str, Any] = {}
    content: bytes | None = None
    if input_file is not None:
        content = sys.stdin.buffer.read() if input_file == "-" else Path(input_file).read_bytes()
        params = fields
    elif method in ("GET", "DELETE", "HEAD", "OPTIONS"):
        params = fields
    elif fields:
        content = json.dumps(fields).encode()
    if content is not None:
        headers.setdefault("Content-Type", "application/json")
    params = {k: ("true" if v is True else "false" if v is False else v) for k, v in params.items()}
    params = {k: v for k, v in params.items() if v is not None}

    chosen = fmt.value if fmt is not None else state(ctx).output
    out = output(ctx, chosen or "json")
    conn = connection(ctx)

    with (
        conn.client(authenticated=False) as sdk,
        httpx.Client(base_url=conn.base_url, timeout=30.0) as http,
    ):

        def send(query: dict[str, Any]) -> httpx.Response:
            def once(bearer: str | None) -> httpx.Response:
                sent = dict(headers)
                sent.setdefault("Accept", "application/json")
                if bearer:
                    sent.setdefault("Authorization", f"Bearer {bearer}")
                return http.request(method, path, params=query, headers=sent, content=content)

            bearer = conn.fresh_bearer(sdk) if conn.credential is not None else None
            with out.spinner(f"{method} {path}…"):
                response = once(bearer)
                if (
                    response.status_code == 401
                    and conn.credential is not None
                    and conn.credential.kind == "session"
                    and "Authorization" not in headers
                ):
                    sdk.auth.refresh()
                    response = once(sdk.access_token)
            if response.status_code >= 400:
                response.read()
                raise make_status_error(response)
            return response

        response = send(params)
        if not paginate:
            _print_body(out, response)
            return

        def items() -> Iterator[Any]:
            page = response
            while True:
                body = _json(page)
                if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                    raise UsageError(
                        "--paginate needs a list endpoint answering {data, next_cursor}"
                    )
                yield from body["data"]
                cursor = body.get("next_cursor")
                if not cursor:
                    return
                page = send({**params, "cursor": cursor})

        out.many(items())


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _print_body(out: Any, response: httpx.Response) -> None:
    if response.status_code == 204 or not response.content:
        return
    body = _json(response)
    if body is None and response.content.strip() != b"null":
        out.write(response.text if response.text.endswith("\n") else response.text + "\n")
        return
    out.one(body)
