"""Reading the audit trail (admins). There are no write endpoints: records are append-only."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from platform_server.audit import service
from platform_server.audit.schemas import AuditFilters, AuditRecordOut
from platform_server.core.access import requires
from platform_server.core.database import DbSession, as_utc
from platform_server.core.errors import Unprocessable
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[Principal, requires(Permission.AUDIT_READ)]


@router.get("", summary="The audit trail (admin)")
async def list_audit_records(
    session: DbSession, page: PageQuery, actor: Auditor, filters: Annotated[AuditFilters, Query()]
) -> Page[AuditRecordOut]:
    """Newest first. Who changed what, from where (IP, request id) and when."""
    after, before = filters.created_after, filters.created_before
    if after and before and as_utc(after) > as_utc(before):
        raise Unprocessable(
            "created_after is after created_before.",
            errors=[{"loc": ["query", "created_after"], "msg": "later than created_before"}],
        )
    return await service.list_records(session, page, filters)


@router.get("/{id}", summary="One audit record (admin)")
async def get_audit_record(id: uuid.UUID, session: DbSession, actor: Auditor) -> AuditRecordOut:
    return await service.get_record(session, id)
