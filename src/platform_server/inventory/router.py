from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, status

from platform_server.audit import api as audit
from platform_server.auth.deps import requires
from platform_server.core.database import DbSession
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.inventory import service
from platform_server.inventory.schemas import AdjustmentIn, InventoryOut, MovementOut

router = APIRouter(prefix="/products/{id}/inventory", tags=["inventory"])
Staff = Annotated[Principal, requires(Permission.INVENTORY_WRITE)]


@router.get("", response_model=InventoryOut, summary="Stock of a product")
async def get_inventory(id: uuid.UUID, session: DbSession, actor: Staff) -> InventoryOut:
    return service.to_out(await service.get_level(session, id))


@router.post(
    "/adjustments",
    status_code=status.HTTP_201_CREATED,
    response_model=InventoryOut,
    summary="Adjust stock",
)
async def adjust_inventory(
    id: uuid.UUID, payload: AdjustmentIn, session: DbSession, actor: Staff
) -> InventoryOut:
    """Adds or removes units on hand, recorded in the ledger; never below what is reserved."""
    threshold_before = (await service.get_level(session, id)).low_stock_threshold
    level = await service.adjust(
        session,
        id,
        delta=payload.delta,
        reason=payload.reason,
        actor_id=actor.user_id,
        low_stock_threshold=payload.low_stock_threshold,
    )
    # on_hand before is exact from the delta, whatever adjustments ran meanwhile.
    changes = audit.diff(
        {"on_hand": level.on_hand - payload.delta, "low_stock_threshold": threshold_before},
        {"on_hand": level.on_hand, "low_stock_threshold": level.low_stock_threshold},
    )
    await audit.record(
        session,
        "inventory.adjust",
        actor=actor,
        target_type="product",
        target_id=id,
        changes={**changes, "delta": payload.delta, "reason": payload.reason},
    )
    return service.to_out(level)


@router.get("/adjustments", response_model=Page[MovementOut], summary="The stock ledger")
async def list_adjustments(
    id: uuid.UUID, session: DbSession, page: PageQuery, actor: Staff
) -> Page[MovementOut]:
    """Every change of on-hand stock: who, when, why."""
    return await service.ledger(session, id, page)
