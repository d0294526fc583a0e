"""All of the audit trail's SQL."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit.models import AuditRecord
from platform_server.audit.schemas import AuditFilters, AuditRecordOut
from platform_server.core.database import equal_to, in_period
from platform_server.core.pagination import Page, PageParams, newest_first, oldest_first


async def insert_record(session: AsyncSession, row: Mapping[str, Any]) -> None:
    await session.execute(insert(AuditRecord), [row])


async def list_records(
    session: AsyncSession, page: PageParams, filters: AuditFilters
) -> Page[AuditRecordOut]:
    stmt = _filtered(filters)
    return await newest_first(session, stmt, AuditRecord, page, AuditRecordOut.model_validate)


async def export_page(
    session: AsyncSession, page: PageParams, filters: AuditFilters
) -> Page[AuditRecordOut]:
    """`list_records`' records, oldest first (an export's order)."""
    stmt = _filtered(filters)
    return await oldest_first(session, stmt, AuditRecord, page, AuditRecordOut.model_validate)


def _filtered(filters: AuditFilters) -> Select[Any]:
    stmt = select(AuditRecord).where(
        *equal_to(
            (AuditRecord.actor_id, filters.actor_id),
            (AuditRecord.target_type, filters.target_type),
            (AuditRecord.target_id, filters.target_id),
        ),
        *in_period(AuditRecord.created_at, filters.created_after, filters.created_before),
    )
    if filters.action:
        # "order" matches order.cancel, order.ship, ...; "order.ship" matches only itself.
        action = filters.action
        stmt = stmt.where(
            (AuditRecord.action == action)
            | AuditRecord.action.startswith(action + ".", autoescape=True)
        )
    return stmt


async def get_record(session: AsyncSession, record_id: uuid.UUID) -> AuditRecordOut | None:
    record = await session.get(AuditRecord, record_id)
    return AuditRecordOut.model_validate(record) if record else None
