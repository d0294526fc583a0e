"""`platform api METHOD PATH`: any endpoint, authenticated like every other command (cf. `gh api`).

Requests go through the SDK's ``client.request`` / ``client.request_pages``: the same
credential, refresh, retries, errors and pagination as every other command.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.context import JqOption, OutputOption, TemplateOption, client, output, state
from platform_cli.params import arg, opt

if TYPE_CHECKING:
    import httpx

    from platform_sdk import SyncPage

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
        str | None, arg(help="`users/me` (under /api/v1) or an absolute path like /healthz.")
    ] = None,
    field: Annotated[
        list[str] | None,
        opt(
            "--field",
            "-f",
            help="key=value: query parameter for GET/DELETE, JSON body field otherwise; "
            "true/false/null and numbers are typed.",
        ),
    ] = None,
    header: Annotated[
        list[str] | None, opt("--header", "-H", help="Extra header 'Name: value'.")
    ] = None,
    input_file: Annotated[
        str | None, opt("--input", help="Request body from a file, or `-` for stdin (JSON).")
    ] = None,
    paginate: Annotated[
        bool, typer.Option("--paginate", help="Follow next_cursor and print every item.")
    ] = False,
    fmt: OutputOption = None,
    jq: JqOption = None,
    template: TemplateOption = None,
) -> None:
    """Call any endpoint and print the JSON answer (--jq filters it, as `gh api --jq`).

    Examples: `platform api users/me`, `platform api POST users -f email=a@b.c -f name=A
    -f password=...`, `platform api users --paginate -o jsonl`.
    """
    from platform_cli.errors import UsageError

    if path is None:  # `platform api users/me`, like `gh api`: GET, or POST with fields
        method, path = ("POST" if (field or input_file) and not paginate else "GET"), method
    method = method.upper()
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if path.startswith(("http://", "https://")):
        raise UsageError("give a path, not a URL; the server comes from the profile")
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

    chosen = fmt.value if fmt is not None else state(ctx).output
    if jq is not None or template is not None:
        out = output(ctx, fmt, jq=jq, template=template)
    else:
        out = output(ctx, chosen or "json")
    # The SDK sends the profile's credential, refreshes a session (persisted through the
    # connection's hook), retries and raises its typed errors, as for every other command.
    with client(ctx, authenticated=False) as sdk:
        if paginate:
            with out.spinner(f"{method} {path}…"), _not_a_page():
                first = sdk.request_pages(method, path, params=params, headers=headers)
            out.many(_items(first))
            return
        with out.spinner(f"{method} {path}…"):
            response = sdk.with_raw_response.request(
                method, path, params=params, content=content, headers=headers
            )
        _print_body(out, response.http_response)


@contextlib.contextmanager
def _not_a_page() -> Iterator[None]:
    from platform_cli.errors import UsageError
    from platform_sdk.errors import APIResponseValidationError

    try:
        yield
    except APIResponseValidationError:
        raise UsageError("--paginate needs a list endpoint answering {data, next_cursor}") from None


def _items(first: SyncPage[Any]) -> Iterator[Any]:
    """Every item of every page; later pages are fetched while printing."""
    pages = first.iter_pages()
    while True:
        with _not_a_page():
            page = next(pages, None)
        if page is None:
            return
        yield from page.data


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
