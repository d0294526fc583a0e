from __future__ import annotations

from datetime import datetime
from typing import Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, endpoint, paginated
from .._types import M, PageOptions, RequestOptions
from ..models import AuditRecord


class Audit(Resource[M]):
    """The audit trail (admins): read-only, nothing in it can be changed or deleted."""

    @paginated("GET", "/api/v1/audit")
    def list(
        self,
        *,
        actor_id: UUID | str | None = None,
        action: str | None = None,
        target_type: str | None = None,
        target_id: UUID | str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        **options: Unpack[PageOptions],
    ) -> PageCall[AuditRecord]:
        """Records, newest first.

        ``action`` is an action (``"order.ship"``) or a prefix of whole parts (``"order"``
        matches ``order.cancel``, ``order.ship``, …). Times without a zone are UTC.
        """
        ...

    @endpoint("GET", "/api/v1/audit/{id}")
    def get(
        self, record_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[AuditRecord]: ...
