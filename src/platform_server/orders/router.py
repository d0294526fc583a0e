from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from platform_server.core.access import OrderBuyer as Buyer
from platform_server.core.access import OrderStaff as Staff
from platform_server.core.access import require_verified_email
from platform_server.core.container import SettingsDep, Slot
from platform_server.core.database import DbSession
from platform_server.core.idempotency import creates
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.responses import model_response
from platform_server.orders import service
from platform_server.orders.schemas import (
    OrderCreate,
    OrderFilters,
    OrderOut,
    OrderTransitionOut,
    ShipIn,
    TransitionNote,
)

router = APIRouter(prefix="/orders", tags=["orders"])
# Full refunds on cancel come from the payments domain, which this one does not import.
REFUND_ALL: Slot[service.RefundAll] = Slot("refund_all")


@creates(
    router,
    "",
    summary="Place an order",
    responses={403: {"description": "Email address not verified (`/problems/email-not-verified`)"}},
)
async def create_order(
    payload: OrderCreate, settings: SettingsDep, session: DbSession, actor: Buyer
) -> OrderOut | Response:
    """Checks and reserves stock and prices the items from the catalog (client prices are
    ignored). Unknown or archived products: 422. Not enough stock: 409 naming each item."""
    require_verified_email(settings, actor, "orders")
    minutes = settings.order_reservation_minutes
    out = await service.create_order(session, payload, actor, minutes)
    return model_response(out, status.HTTP_201_CREATED)


@router.get("", summary="List orders")
async def list_orders(
    session: DbSession, page: PageQuery, actor: Buyer, filters: Annotated[OrderFilters, Query()]
) -> Page[OrderOut]:
    """Customers see their own orders; staff see everyone's and can filter."""
    return await service.list_orders(session, page, filters, actor)


@router.get("/{id}", summary="Get an order")
async def get_order(id: uuid.UUID, session: DbSession, actor: Buyer) -> OrderOut:
    return await service.get_order_out(session, id, actor)


@router.get("/{id}/history", summary="Status history")
async def order_history(
    id: uuid.UUID, session: DbSession, page: PageQuery, actor: Buyer
) -> Page[OrderTransitionOut]:
    """Every status change with who made it and when, newest first."""
    return await service.history(session, id, actor, page)


@router.post("/{id}/cancel", summary="Cancel an order")
async def cancel_order(
    id: uuid.UUID,
    refund_all: Annotated[service.RefundAll, Depends(REFUND_ALL.provide)],
    session: DbSession,
    actor: Buyer,
    payload: TransitionNote | None = None,
) -> OrderOut:
    """A customer may cancel a pending order; staff may also cancel paid or fulfilled
    ones, which refunds the payment in full. Releases reserved stock."""
    note = payload.note if payload else None
    return await service.cancel_order(session, id, actor, note, refund_all)


@router.post("/{id}/fulfill", summary="Mark fulfilled (staff)")
async def fulfill_order(id: uuid.UUID, session: DbSession, actor: Staff) -> OrderOut:
    """The reserved units leave stock (recorded in the inventory ledger)."""
    return await service.fulfill_order(session, id, actor)


@router.post("/{id}/ship", summary="Mark shipped (staff)")
async def ship_order(id: uuid.UUID, payload: ShipIn, session: DbSession, actor: Staff) -> OrderOut:
    return await service.ship_order(session, id, actor, payload.carrier, payload.tracking_number)


@router.post("/{id}/deliver", summary="Mark delivered (staff)")
async def deliver_order(id: uuid.UUID, session: DbSession, actor: Staff) -> OrderOut:
    return await service.deliver_order(session, id, actor)
