"""What the kinds share: checking a row against a pydantic model, turning a domain's
outcome into the report's, and writing times as the API does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from platform_server.bulk.kinds import Outcome, RowRejected

M = TypeVar("M", bound=BaseModel)

# The domains say `error` (what their single-item APIs call it); the report says `failed`.
OUTCOMES: dict[str, Outcome] = {
    "created": "created",
    "updated": "updated",
    "unchanged": "unchanged",
    "valid": "valid",
    "error": "failed",
}


def checked(model: type[M], raw: Mapping[str, Any]) -> M:
    """`raw` as `model`, or `RowRejected` naming each bad column and why."""
    try:
        return model.model_validate(dict(raw))
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in error['loc']) or 'row'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)
        ]
        raise RowRejected("; ".join(problems)) from None


def stamp(value: Any) -> str | None:
    """A time as the API writes it (ISO 8601), None as an empty cell."""
    return value.isoformat() if value is not None else None
