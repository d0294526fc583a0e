"""Turning keyword arguments into a URL path, query parameters and a JSON body."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from urllib.parse import quote
from uuid import UUID

from ._types import NullType


def render_path(template: str, params: Mapping[str, object]) -> str:
    return template.format_map({k: quote(_scalar(v), safe="") for k, v in params.items()})


def query_params(query: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """Pairs for the query string; ``None`` leaves a parameter out, lists repeat it."""
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        if value is None or isinstance(value, NullType):
            continue
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((key, _scalar(v)) for v in values if v is not None)
    return tuple(pairs)


def json_body(body: object, *, keep_none: bool = False) -> bytes:
    """JSON bytes where ``None`` leaves a field out and ``NULL`` sends ``null``.

    ``keep_none`` sends ``None`` as ``null`` too: a raw request's body is sent as written.
    """
    return json.dumps(
        _jsonable(body, keep_none), separators=(",", ":"), ensure_ascii=False
    ).encode()


def _jsonable(value: object, keep_none: bool) -> Any:
    if isinstance(value, NullType):
        return None
    if isinstance(value, Mapping):
        return {
            str(k): _jsonable(v, keep_none) for k, v in value.items() if v is not None or keep_none
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v, keep_none) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return _scalar(value)


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, UUID | Decimal | str | int | float):
        return str(value)
    raise TypeError(f"cannot send a {type(value).__name__} to the API")
