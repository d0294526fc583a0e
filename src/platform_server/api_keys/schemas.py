from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, Field

from platform_server.core.permissions import Permission
from platform_server.core.schemas import InputModel, OutputModel


class ApiKeyCreate(InputModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    scopes: (
        Annotated[
            list[str],
            Field(
                max_length=50,
                # The names the service takes (an unknown one is a 422 naming it).
                json_schema_extra={
                    "items": {"type": "string", "enum": sorted(p.value for p in Permission)}
                },
            ),
        ]
        | None
    ) = Field(
        None,
        description="Permission names. Default: the owner's read-only ones (those ending in "
        "`:read`); name every scope a key that changes things needs.",
    )
    expires_at: AwareDatetime | None = Field(None, description="UTC; must be in the future.")


class ApiKeyOut(OutputModel):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    expires_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime


class ApiKeyCreated(ApiKeyOut):
    key: str | None = Field(
        description="The secret. Shown only once: store it now (null on an idempotent replay)."
    )
