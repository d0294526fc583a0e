from __future__ import annotations

from datetime import datetime
from typing import Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, endpoint, paginated
from .._types import M, RequestOptions
from ..models import AuditRecord


class Audit(Resource[M]):
    """The audit trail (admins): read-only, nothing in it can be changed or deleted."""

    @paginated("GET", "/api/v1/audit")
    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        actor_id: UUID | str | None = None,
        action: str | None = None,
        target_type: str | None = None,
        target_id: UUID | str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageCall[AuditRecord]:
        """Records, newest first.

        ``action`` is an action (``"order.ship"``) or a prefix of whole parts (``"order"``
        matches ``order.cancel``, ``order.ship``, …). Times without a zone are UTC.
        """
        return PageCall(
            item=AuditRecord.model_validate,
            query={
                "limit": limit,
                "cursor": cursor,
                "actor_id": actor_id,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "created_after": created_after,
                "created_before": created_before,
            },
            options=options,
        )

    @endpoint("GET", "/api/v1/audit/{id}")
    def get(self, record_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[AuditRecord]:
        return Call(
            parse=AuditRecord.model_validate, path_params={"id": record_id}, options=options
        )
