"""Base schemas: strict input (unknown fields rejected), ORM-friendly output."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

# NUL and lone surrogates cannot be stored (PostgreSQL text, UTF-8): refuse them as input.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _reject_unstorable(value: Any) -> None:
    if isinstance(value, str) and _UNSTORABLE.search(value):
        raise ValueError("must not contain NUL characters or lone surrogates")
    if isinstance(value, list | tuple):
        for item in value:
            _reject_unstorable(item)


class InputModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        _reject_unstorable(value)
        return value


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
