"""The seed's Create Order sequence and the order status machine."""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.catalog import hooks as catalog_hooks
from platform_server.catalog import service as catalog
from platform_server.core import direct
from platform_server.core.database import as_utc, table_of, utcnow
from platform_server.core.direct import Direct
from platform_server.core.errors import Conflict, NotFound, Unprocessable
from platform_server.core.ids import new_id
from platform_server.core.money import quantize
from platform_server.core.pagination import Page, PageParams, paginate
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.core.timeseries import Hours, hour_of
from platform_server.events import api as events
from platform_server.inventory import service as inventory
from platform_server.orders.models import Order, OrderItem, OrderTransition
from platform_server.orders.schemas import (
    OrderCreate,
    OrderItemOut,
    OrderOut,
    OrderTransitionOut,
)

ALLOWED: dict[str, frozenset[str]] = {
    "pending": frozenset({"paid", "cancelled", "expired"}),
    "paid": frozenset({"fulfilled", "refunded", "cancelled"}),
    "fulfilled": frozenset({"shipped", "refunded", "cancelled"}),
    "shipped": frozenset({"delivered", "refunded"}),
    "delivered": frozenset({"refunded"}),
    "cancelled": frozenset(),
    "expired": frozenset(),
    "refunded": frozenset(),
}
# Money columns hold 10 integer digits.
MAX_ORDER_TOTAL = Decimal("1e10")
# Statuses in which the order still holds reserved (not yet shipped) stock.
HOLDS_STOCK = frozenset({"pending", "paid"})


async def to_out(session: AsyncSession, order: Order) -> OrderOut:
    return (await many_out(session, [order]))[0]


async def many_out(session: AsyncSession, orders: list[Order]) -> list[OrderOut]:
    ids = [o.id for o in orders]
    items: dict[uuid.UUID, list[OrderItem]] = defaultdict(list)
    if ids:
        rows = await session.scalars(
            select(OrderItem).where(OrderItem.order_id.in_(ids)).order_by(OrderItem.position)
        )
        for row in rows:
            items[row.order_id].append(row)
    return [order_out(o, items[o.id]) for o in orders]


def order_out(order: Order, items: list[OrderItem]) -> OrderOut:
    return OrderOut.model_validate(
        {
            **{k: getattr(order, k) for k in OrderOut.model_fields if k != "items"},
            "items": [OrderItemOut.model_validate(i) for i in items],
        }
    )


async def _lines(session: AsyncSession, order_id: uuid.UUID) -> dict[uuid.UUID, int]:
    rows = await session.scalars(select(OrderItem).where(OrderItem.order_id == order_id))
    lines: dict[uuid.UUID, int] = defaultdict(int)
    for row in rows:
        lines[row.product_id] += row.quantity
    return dict(lines)


_INSERT_ORDER = Direct(insert(table_of(Order)))
_INSERT_ITEM = Direct(insert(table_of(OrderItem)))
_INSERT_TRANSITION = Direct(insert(table_of(OrderTransition)))


async def create_order(
    session: AsyncSession, data: OrderCreate, actor: Principal, reservation_minutes: int
) -> OrderOut:
    # Duplicate lines of one product are summed before the stock check.
    wanted: dict[uuid.UUID, int] = defaultdict(int)
    for line in data.items:
        wanted[line.product_id] += line.quantity
    products = await catalog.price_list(session, list(wanted))
    unavailable = [pid for pid in wanted if pid not in products or products[pid].status != "active"]
    if unavailable:
        raise Unprocessable(
            "These products do not exist or are no longer sold: "
            + ", ".join(map(str, unavailable))
            + ".",
            errors=[
                {"loc": ["body", "items", i, "product_id"], "msg": "unknown or archived product"}
                for i, line in enumerate(data.items)
                if line.product_id in unavailable
            ],
        )
    currencies = {products[pid].currency for pid in wanted}
    if len(currencies) > 1:
        raise Unprocessable(
            f"An order is paid in one currency; these items mix {', '.join(sorted(currencies))}.",
            errors=[{"loc": ["body", "items"], "msg": "mixed currencies"}],
        )
    currency = currencies.pop()
    order_id, now = new_id(), utcnow()
    subtotals = {pid: quantize(products[pid].price * qty, currency) for pid, qty in wanted.items()}
    items: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "order_id": order_id,
            "product_id": product_id,
            "sku": products[product_id].sku,
            "name": products[product_id].name,
            "quantity": quantity,
            "price": products[product_id].price,
            "subtotal": subtotals[product_id],
            "position": position,
        }
        for position, (product_id, quantity) in enumerate(wanted.items())
    ]
    total = sum(subtotals.values(), Decimal(0))
    if total >= MAX_ORDER_TOTAL:
        raise Unprocessable(
            f"The order total {total:f} {currency} is above what one order can hold.",
            errors=[{"loc": ["body", "items"], "msg": "order total too large"}],
        )
    await inventory.reserve(session, wanted)
    order = {
        "id": order_id,
        "user_id": actor.user_id,
        "user_email": actor.email,
        "status": "pending",
        "total": total,
        "currency": currency,
        "shipping_address": data.shipping_address.model_dump() if data.shipping_address else None,
        "carrier": None,
        "tracking_number": None,
        "expires_at": now + timedelta(minutes=reservation_minutes),
        "created_at": now,
        "updated_at": now,
    }
    # Table inserts, in reference order: the hottest write path skips the ORM (its unit
    # of work and its bulk-insert layer).
    await direct.run(session, _INSERT_ORDER, order)
    await direct.run(session, _INSERT_ITEM, items)
    await direct.run(
        session,
        _INSERT_TRANSITION,
        {
            "id": new_id(),
            "order_id": order_id,
            "from_status": None,
            "to_status": "pending",
            "actor_id": actor.user_id,
            "note": None,
            "created_at": now,
        },
    )
    out = OrderOut.model_validate({**order, "items": items})
    await events.record(session, "order.created", "order", order_id, out)
    return out


def can_see_all(actor: Principal) -> bool:
    return actor.can(Permission.ORDERS_MANAGE)


async def get_order(
    session: AsyncSession, order_id: uuid.UUID, actor: Principal, *, lock: bool = False
) -> Order:
    order = await session.get(Order, order_id, with_for_update=lock)
    if order is None or (order.user_id != actor.user_id and not can_see_all(actor)):
        raise NotFound(f"Order {order_id} does not exist.")
    return order


async def locked(session: AsyncSession, order_id: uuid.UUID) -> Order | None:
    """The order, reloaded under a row lock (other domains take it through this)."""
    return await session.get(Order, order_id, with_for_update=True, populate_existing=True)


@dataclass(frozen=True)
class OrderFilters:
    status: str | None = None
    user_id: uuid.UUID | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    q: str | None = None


async def list_orders(
    session: AsyncSession, page: PageParams, filters: OrderFilters, actor: Principal
) -> Page[OrderOut]:
    stmt = select(Order)
    if not can_see_all(actor):
        stmt = stmt.where(Order.user_id == actor.user_id)
    elif filters.user_id:
        stmt = stmt.where(Order.user_id == filters.user_id)
    if filters.status:
        stmt = stmt.where(Order.status == filters.status)
    if filters.created_after:
        stmt = stmt.where(Order.created_at >= as_utc(filters.created_after))
    if filters.created_before:
        stmt = stmt.where(Order.created_at < as_utc(filters.created_before))
    if filters.q:
        term = filters.q.strip().lower()
        clauses = [Order.user_email.contains(term, autoescape=True)]
        with contextlib.suppress(ValueError):  # not an id: search emails only
            clauses.append(Order.id == uuid.UUID(term))
        stmt = stmt.where(or_(*clauses))
    rows = await paginate(
        session, stmt, created_at=Order.created_at, row_id=Order.id, page=page, to_schema=_same
    )
    return Page[OrderOut](data=await many_out(session, rows.data), next_cursor=rows.next_cursor)


def _same(row: Order) -> Order:
    return row


async def transition(
    session: AsyncSession,
    order: Order,
    to_status: str,
    actor_id: uuid.UUID | None,
    note: str | None = None,
) -> None:
    allowed = ALLOWED[order.status]
    if to_status not in allowed:
        options = ", ".join(sorted(allowed)) or "none (it is final)"
        raise Conflict(
            f"Order {order.id} is {order.status}; it cannot become {to_status}. "
            f"Allowed next: {options}.",
            current_status=order.status,
            allowed=sorted(allowed),
        )
    if order.status in HOLDS_STOCK and to_status in {"cancelled", "expired", "refunded"}:
        await inventory.release(session, await _lines(session, order.id))
    session.add(
        OrderTransition(
            order_id=order.id,
            from_status=order.status,
            to_status=to_status,
            actor_id=actor_id,
            note=note,
        )
    )
    order.status = to_status
    if to_status != "pending":
        order.expires_at = None
    await session.flush()
    await events.record(
        session, f"order.{to_status}", "order", order.id, await to_out(session, order)
    )


RefundAll = Callable[[AsyncSession, Order, uuid.UUID | None], Awaitable[None]]


async def cancel(
    session: AsyncSession,
    order: Order,
    actor: Principal,
    note: str | None,
    refund_all: RefundAll,
) -> None:
    """`refund_all` comes from the payments domain, which this one does not import."""
    if order.user_id == actor.user_id and not can_see_all(actor) and order.status != "pending":
        raise Conflict(
            f"Order {order.id} is {order.status}; only staff can cancel it now.",
            current_status=order.status,
            allowed=[],
        )
    if order.status in {"paid", "fulfilled"}:
        await refund_all(session, order, actor.user_id)
        await session.refresh(order)
    await transition(session, order, "cancelled", actor.user_id, note)


async def fulfill(session: AsyncSession, order: Order, actor: Principal) -> None:
    await transition(session, order, "fulfilled", actor.user_id)
    await inventory.ship_reserved(
        session, await _lines(session, order.id), order_id=order.id, actor_id=actor.user_id
    )


async def ship(
    session: AsyncSession, order: Order, actor: Principal, carrier: str, tracking: str
) -> None:
    # Set first, so the order.shipped event carries them.
    order.carrier = carrier
    order.tracking_number = tracking
    await transition(session, order, "shipped", actor.user_id, f"{carrier} {tracking}")


async def history(
    session: AsyncSession, order: Order, page: PageParams
) -> Page[OrderTransitionOut]:
    stmt = select(OrderTransition).where(OrderTransition.order_id == order.id)
    return await paginate(
        session,
        stmt,
        row_id=OrderTransition.id,
        page=page,
        to_schema=OrderTransitionOut.model_validate,
        sort=None,
        created_at=OrderTransition.created_at,
    )


async def expire_overdue(session: AsyncSession, now: datetime | None = None) -> int:
    """Pending orders past their reservation time become expired and free their stock."""
    now = now or utcnow()
    overdue = (
        await session.scalars(
            select(Order)
            .where(Order.status == "pending", Order.expires_at < now)
            .order_by(Order.id)
            .limit(500)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for order in overdue:
        await transition(session, order, "expired", None, "unpaid past the reservation time")
    return len(overdue)


@catalog_hooks.product_in_use.connect
async def _product_ordered(session: AsyncSession, product_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(OrderItem.product_id == product_id))))


async def co_purchased(
    session: AsyncSession, product_id: uuid.UUID, limit: int
) -> list[tuple[uuid.UUID, int]]:
    """Products bought in the same orders as this one, most often first."""
    same_orders = select(OrderItem.order_id).where(OrderItem.product_id == product_id)
    stmt = (
        select(OrderItem.product_id, func.count().label("n"))
        .where(OrderItem.order_id.in_(same_orders), OrderItem.product_id != product_id)
        .group_by(OrderItem.product_id)
        .order_by(func.count().desc(), OrderItem.product_id)
        .limit(limit)
    )
    return [(pid, n) for pid, n in (await session.execute(stmt)).all()]


async def popularity(session: AsyncSession, product_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not product_ids:
        return {}
    stmt = (
        select(OrderItem.product_id, func.sum(OrderItem.quantity))
        .where(OrderItem.product_id.in_(product_ids))
        .group_by(OrderItem.product_id)
    )
    return {pid: int(n or 0) for pid, n in (await session.execute(stmt)).all()}


# Orders whose money was taken and is kept (a refund or cancellation moves them out).
REVENUE_STATUSES = frozenset({"paid", "fulfilled", "shipped", "delivered"})


@dataclass(frozen=True)
class OverviewFigures:
    orders_today: int
    revenue_today: dict[str, Decimal]  # currency -> total, rounded to its minor unit
    pending: int  # placed, not paid yet: the stock they hold is reserved
    hourly_orders: list[int]
    hourly_revenue: dict[str, list[Decimal]]  # currency -> one total per hour
    revenue_orders: dict[str, int]  # currency -> paid-and-later orders in the hours


async def overview_figures(
    session: AsyncSession, since: datetime, buckets: Hours
) -> OverviewFigures:
    """Orders placed since `since`, their revenue, unpaid orders, and the same per hour.

    Revenue is the total of orders placed in the period that are paid or further on
    (fulfilled, shipped, delivered), per currency; refunded and cancelled ones are out.
    """
    placed_today = await session.scalar(
        select(func.count()).select_from(Order).where(Order.created_at >= since)
    )
    pending = await session.scalar(
        select(func.count()).select_from(Order).where(Order.status == "pending")
    )
    earned = Order.status.in_(REVENUE_STATUSES)
    revenue_today = {
        currency: quantize(Decimal(total or 0), currency)
        for currency, total in await session.execute(
            select(Order.currency, func.sum(Order.total))
            .where(Order.created_at >= since, earned)
            .group_by(Order.currency)
        )
    }
    hour = hour_of(session, Order.created_at)
    in_hours = (Order.created_at >= buckets.start, Order.created_at < buckets.end)
    counted = await session.execute(select(hour, func.count()).where(*in_hours).group_by(hour))
    hourly_orders = buckets.counts((h, n) for h, n in counted)
    hourly_revenue: dict[str, list[Decimal]] = {}
    revenue_orders: dict[str, int] = defaultdict(int)
    summed = await session.execute(
        select(hour, Order.currency, func.sum(Order.total), func.count())
        .where(*in_hours, earned)
        .group_by(hour, Order.currency)
    )
    for h, currency, total, n in summed:
        i = buckets.index(h)
        if i is None:
            continue
        zero = quantize(Decimal(0), currency)
        series = hourly_revenue.setdefault(currency, [zero] * buckets.count)
        series[i] = quantize(series[i] + Decimal(total or 0), currency)
        revenue_orders[currency] += int(n)
    return OverviewFigures(
        orders_today=int(placed_today or 0),
        revenue_today=dict(sorted(revenue_today.items())),
        pending=int(pending or 0),
        hourly_orders=hourly_orders,
        hourly_revenue=hourly_revenue,
        revenue_orders=dict(revenue_orders),
    )
