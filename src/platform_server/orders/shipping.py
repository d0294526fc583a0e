"""Shipping paid orders in bulk (a warehouse's file of carriers and tracking numbers).

Each order goes the way staff take it by hand: paid → fulfilled (its reserved stock
leaves the warehouse, in the ledger) → shipped with the carrier and tracking number,
each step audited and announced (order.fulfilled, order.shipped)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.bulk import RowOutcome
from platform_server.core.principal import Principal
from platform_server.orders import repository, service

# Orders that may still be shipped: paid ones are fulfilled on the way.
_SHIPPABLE = frozenset({"paid", "fulfilled"})


@dataclass(frozen=True, slots=True)
class ShipResult:
    """What shipping did to one order (`valid`: a dry run would ship it)."""

    order_id: uuid.UUID
    outcome: RowOutcome
    status: str | None = None  # the order's status after (None: no such order)
    error: str | None = None


async def ship_paid(
    session: AsyncSession,
    order_id: uuid.UUID,
    carrier: str,
    tracking_number: str,
    actor: Principal,
    *,
    dry_run: bool = False,
) -> ShipResult:
    """Ships a paid (or already fulfilled) order, its row locked while it changes. An
    order shipped already with this carrier and tracking number is `unchanged`, so a
    file may be sent again; any other status is an `error` naming it, nothing written.
    `actor` must be staff (orders:manage): the caller checks."""
    order = await repository.get(session, order_id, lock=True)
    if order is None:
        return ShipResult(order_id, "error", error=f"Order {order_id} does not exist.")
    same = (order.carrier, order.tracking_number) == (carrier, tracking_number)
    if order.status in {"shipped", "delivered"} and same:
        return ShipResult(order_id, "unchanged", order.status)
    if order.status not in _SHIPPABLE:
        error = f"Order {order_id} is {order.status}; only paid or fulfilled orders can ship."
        return ShipResult(order_id, "error", order.status, error)
    if dry_run:
        return ShipResult(order_id, "valid", order.status)
    if order.status == "paid":
        await service.fulfill_order(session, order_id, actor)
    out = await service.ship_order(session, order_id, actor, carrier, tracking_number)
    return ShipResult(order_id, "updated", out.status)
