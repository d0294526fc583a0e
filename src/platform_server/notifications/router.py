from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query

from platform_server.core.access import requires
from platform_server.core.container import SendQueuedDep
from platform_server.core.database import DbSession
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.notifications import service
from platform_server.notifications.schemas import NotificationFilters, NotificationOut

router = APIRouter(prefix="/notifications", tags=["notifications"])
# Customers read their own; NOTIFICATIONS_MANAGE (staff) reads everyone's and retries.
Reader = Annotated[Principal, requires(Permission.ACCOUNT_READ, Permission.NOTIFICATIONS_MANAGE)]
Manager = Annotated[Principal, requires(Permission.NOTIFICATIONS_MANAGE)]


@router.get("", summary="List notifications")
async def list_notifications(
    session: DbSession,
    page: PageQuery,
    actor: Reader,
    filters: Annotated[NotificationFilters, Query()],
) -> Page[NotificationOut]:
    """Emails and SMS, newest first: customers see their own, staff everyone's."""
    return await service.list_notifications(session, page, filters, actor)


@router.get("/{id}", summary="Get a notification")
async def get_notification(id: uuid.UUID, session: DbSession, actor: Reader) -> NotificationOut:
    """A customer gets only their own (others' answer 404)."""
    return NotificationOut.model_validate(await service.get_notification(session, id, actor))


@router.post("/{id}/retry", summary="Retry a notification (staff)")
async def retry_notification(
    id: uuid.UUID,
    send_queued: SendQueuedDep,
    background: BackgroundTasks,
    session: DbSession,
    actor: Manager,
) -> NotificationOut:
    """Send a failed (or still queued) notification again now, with a fresh backoff
    schedule. A sent one is a 409. Recorded in the audit trail."""
    row = await service.retry(session, id, actor)
    # After the response, so after the commit: the sender then finds the row due.
    background.add_task(send_queued)
    return NotificationOut.model_validate(row)
