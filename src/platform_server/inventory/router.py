from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, status

from platform_server.core.access import requires
from platform_server.core.database import DbSession
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.inventory import service
from platform_server.inventory.schemas import AdjustmentIn, InventoryOut, MovementOut

router = APIRouter(prefix="/products/{id}/inventory", tags=["inventory"])
Staff = Annotated[Principal, requires(Permission.INVENTORY_WRITE)]


@router.get("", summary="Stock of a product")
async def get_inventory(id: uuid.UUID, session: DbSession, actor: Staff) -> InventoryOut:
    return await service.get_inventory(session, id)


@router.post("/adjustments", status_code=status.HTTP_201_CREATED, summary="Adjust stock")
async def adjust_inventory(
    id: uuid.UUID, payload: AdjustmentIn, session: DbSession, actor: Staff
) -> InventoryOut:
    """Adds or removes units on hand, recorded in the ledger; never below what is reserved."""
    return await service.adjust(session, id, payload, actor)


@router.get("/adjustments", summary="The stock ledger")
async def list_adjustments(
    id: uuid.UUID, session: DbSession, page: PageQuery, actor: Staff
) -> Page[MovementOut]:
    """Every change of on-hand stock: who, when, why."""
    return await service.ledger(session, id, page)
