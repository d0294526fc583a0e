"""Reading the audit trail (admins). There are no write endpoints: records are append-only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from platform_server.audit import service
from platform_server.audit.schemas import AuditRecordOut
from platform_server.core.access import requires
from platform_server.core.database import DbSession, as_utc
from platform_server.core.errors import Unprocessable
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[Principal, requires(Permission.AUDIT_READ)]


@router.get("", response_model=Page[AuditRecordOut], summary="The audit trail (admin)")
async def list_audit_records(
    session: DbSession,
    page: PageQuery,
    actor: Auditor,
    actor_id: Annotated[uuid.UUID | None, Query(description="Only this actor's records")] = None,
    action: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=r"^[a-z_]+(\.[a-z_]+)*$",
            description="An action (`order.ship`) or a prefix of whole parts (`order`)",
        ),
    ] = None,
    target_type: Annotated[
        str | None, Query(max_length=50, pattern=r"^[a-z_]+$", description="e.g. `product`")
    ] = None,
    target_id: Annotated[
        str | None, Query(max_length=64, pattern=r"^[^\x00]*$", description="The target's id")
    ] = None,
    created_after: Annotated[
        datetime | None, Query(description="At or after (ISO 8601; UTC without an offset)")
    ] = None,
    created_before: Annotated[
        datetime | None, Query(description="Before (ISO 8601; UTC without an offset)")
    ] = None,
) -> Page[AuditRecordOut]:
    """Newest first. Who changed what, from where (IP, request id) and when."""
    filters = service.AuditFilters(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        created_after=created_after,
        created_before=created_before,
    )
    if created_after and created_before and as_utc(created_after) > as_utc(created_before):
        raise Unprocessable(
            "created_after is after created_before.",
            errors=[{"loc": ["query", "created_after"], "msg": "later than created_before"}],
        )
    return await service.list_records(session, page, filters)


@router.get("/{id}", response_model=AuditRecordOut, summary="One audit record (admin)")
async def get_audit_record(id: uuid.UUID, session: DbSession, actor: Auditor) -> AuditRecordOut:
    return await service.get_record(session, id)
