from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from platform_server.core.schemas import Instant, OutputModel


class AuditFilters(BaseModel):
    """The query of `GET /audit`: every filter is optional."""

    actor_id: uuid.UUID | None = Field(None, description="Only this actor's records")
    action: str | None = Field(
        None,
        max_length=100,
        pattern=r"^[a-z_]+(\.[a-z_]+)*$",
        description="An action (`order.ship`) or a prefix of whole parts (`order`)",
    )
    target_type: str | None = Field(
        None, max_length=50, pattern=r"^[a-z_]+$", description="e.g. `product`"
    )
    target_id: str | None = Field(
        None, max_length=64, pattern=r"^[^\x00]*$", description="The target's id"
    )
    created_after: Instant | None = Field(
        None, description="At or after (ISO 8601; UTC without an offset)"
    )
    created_before: Instant | None = Field(
        None, description="Before (ISO 8601; UTC without an offset)"
    )


class AuditRecordOut(OutputModel):
    id: uuid.UUID
    actor_id: uuid.UUID | None = Field(description="Who did it; null for an anonymous caller")
    actor_email: str | None = Field(
        description="The actor's email then (for a failed login: the email tried)"
    )
    action: str = Field(description="`<resource>.<verb>`, e.g. `product.update`")
    target_type: str | None
    target_id: str | None
    changes: dict[str, Any] | None = Field(
        description='What changed: `{"field": {"before": ..., "after": ...}}` for updates, '
        "else details of the action; secrets are never recorded"
    )
    ip: str | None
    request_id: str | None
    created_at: datetime
