from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from platform_server.core.schemas import OutputModel


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
