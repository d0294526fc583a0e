from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ._base import PlatformModel


class AuditRecord(PlatformModel):
    """One entry of the audit trail: who (``actor_id``, ``actor_email``) did what
    (``action``, e.g. ``product.update``) to which ``target_type``/``target_id``, from
    where (``ip``, ``request_id``) and when.

    ``changes`` maps each changed field to ``{"before": ..., "after": ...}``; actions that
    are not field changes record their details as plain values. Secrets never appear.

    ``request_id`` is the id of the audited request (its ``X-Request-ID``);
    ``response_request_id`` is the one of the response that brought this record.
    """

    id: UUID
    actor_id: UUID | None = None
    actor_email: str | None = None
    action: str
    target_type: str | None = None
    target_id: str | None = None
    changes: dict[str, Any] | None = None
    ip: str | None = None
    request_id: str | None = None
    created_at: datetime
