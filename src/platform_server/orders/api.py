"""The orders domain's public interface: what other domains may call.

An order crosses the line as `OrderForPayment` (its header: who, how much, in what
status) or `OrderOut`; other domains change its status through `transition`, by id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.principal import Principal
from platform_server.orders import repository, service
from platform_server.orders.models import Order
from platform_server.orders.repository import ids_by_number
from platform_server.orders.schemas import OrderFilters, OrderItemOut, OrderOut
from platform_server.orders.service import (
    OverviewFigures,
    RefundAll,
    co_purchased,
    expire_overdue,
    export_page,
    overview_figures,
    popularity,
)
from platform_server.orders.shipping import ShipResult, ship_paid

__all__ = [
    "OrderFilters",
    "OrderForPayment",
    "OrderItemOut",
    "OrderOut",
    "OverviewFigures",
    "RefundAll",
    "ShipResult",
    "can_become",
    "co_purchased",
    "expire_overdue",
    "export_page",
    "get_order",
    "get_order_out",
    "ids_by_number",
    "locked",
    "overview_figures",
    "popularity",
    "ship_paid",
    "transition",
]


@dataclass(frozen=True)
class OrderForPayment:
    id: uuid.UUID
    number: int
    user_id: uuid.UUID
    user_email: str
    status: str
    total: Decimal
    currency: str
    expires_at: datetime | None
    shipping_address: dict[str, Any] | None


_HEADER = tuple(f.name for f in fields(OrderForPayment))


def _header(order: Order) -> OrderForPayment:
    return OrderForPayment(**{name: getattr(order, name) for name in _HEADER})


async def get_order(
    session: AsyncSession, order_id: uuid.UUID, actor: Principal, *, lock: bool = False
) -> OrderForPayment:
    """The order if `actor` may see it (NotFound otherwise); `lock` holds its row."""
    return _header(await service.get_order(session, order_id, actor, lock=lock))


async def locked(session: AsyncSession, order_id: uuid.UUID) -> OrderForPayment | None:
    """The order, re-read under a row lock."""
    order = await repository.locked(session, order_id)
    return _header(order) if order else None


def can_become(status: str, to_status: str) -> bool:
    return to_status in service.ALLOWED[status]


async def transition(
    session: AsyncSession,
    order_id: uuid.UUID,
    to_status: str,
    actor_id: uuid.UUID | None,
    note: str | None = None,
) -> None:
    """Moves the order (read by `get_order` or `locked` in this transaction) on; Conflict
    when its status machine does not allow it."""
    order = await repository.get(session, order_id)
    assert order is not None, "transition of an order this transaction did not read"
    await service.transition(session, order, to_status, actor_id, note)


async def get_order_out(session: AsyncSession, order_id: uuid.UUID, actor: Principal) -> OrderOut:
    """The whole order, as the API shows it, if `actor` may see it."""
    return await service.get_order_out(session, order_id, actor)
