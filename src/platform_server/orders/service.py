"""The seed's Create Order sequence and the order status machine."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.database import utcnow
from platform_server.core.errors import Conflict, NotFound, Unprocessable
from platform_server.core.ids import new_id
from platform_server.core.money import quantize
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.core.timeseries import Hours
from platform_server.events import api as events
from platform_server.inventory import api as inventory
from platform_server.observability import metrics
from platform_server.orders import repository
from platform_server.orders.models import Order, OrderItem, OrderTransition
from platform_server.orders.schemas import (
    OrderCreate,
    OrderFilters,
    OrderItemOut,
    OrderOut,
    OrderTransitionOut,
)
from platform_server.products import api as products
from platform_server.users import api as users

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
# What the audit trail keeps of a status change.
_AUDITED = ("status", "carrier", "tracking_number")


async def to_out(session: AsyncSession, order: Order) -> OrderOut:
    return (await many_out(session, [order]))[0]


async def many_out(session: AsyncSession, orders: list[Order]) -> list[OrderOut]:
    items = await repository.items_of(session, [o.id for o in orders])
    return [order_out(o, items[o.id]) for o in orders]


def order_out(order: Order, items: list[OrderItem]) -> OrderOut:
    return OrderOut.model_validate(
        {
            **{k: getattr(order, k) for k in OrderOut.model_fields if k != "items"},
            "items": [OrderItemOut.model_validate(i) for i in items],
        }
    )


def _unavailable(data: OrderCreate, unavailable: list[uuid.UUID]) -> Unprocessable:
    return Unprocessable(
        "These products do not exist or are no longer sold: "
        + ", ".join(map(str, unavailable))
        + ".",
        errors=[
            {"loc": ["body", "items", i, "product_id"], "msg": "unknown or archived product"}
            for i, line in enumerate(data.items)
            if line.product_id in unavailable
        ],
    )


async def create_order(
    session: AsyncSession, data: OrderCreate, actor: Principal, reservation_minutes: int
) -> OrderOut:
    """Prices from products, the order's rows and its order.created event, then stock
    from inventory (all lines or none), all in the caller's transaction."""
    # Duplicate lines of one product are summed before the stock check.
    wanted: dict[uuid.UUID, int] = defaultdict(int)
    for line in data.items:
        wanted[line.product_id] += line.quantity
    prices = await products.price_list(session, list(wanted))
    unavailable = [pid for pid in wanted if pid not in prices or prices[pid].status != "active"]
    if unavailable:
        raise _unavailable(data, unavailable)
    currencies = {prices[pid].currency for pid in wanted}
    if len(currencies) > 1:
        raise Unprocessable(
            f"An order is paid in one currency; these items mix {', '.join(sorted(currencies))}.",
            errors=[{"loc": ["body", "items"], "msg": "mixed currencies"}],
        )
    currency = currencies.pop()
    order_id, now = new_id(), utcnow()
    items: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "order_id": order_id,
            "product_id": product_id,
            "sku": prices[product_id].sku,
            "name": prices[product_id].name,
            "quantity": quantity,
            "price": prices[product_id].price,
            "subtotal": quantize(prices[product_id].price * quantity, currency),
            "position": position,
        }
        for position, (product_id, quantity) in enumerate(wanted.items())
    ]
    total = sum((item["subtotal"] for item in items), Decimal(0))
    if total >= MAX_ORDER_TOTAL:
        raise Unprocessable(
            f"The order total {total:f} {currency} is above what one order can hold.",
            errors=[{"loc": ["body", "items"], "msg": "order total too large"}],
        )
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
    first = _transition_row(order_id, None, "pending", actor.user_id, None)
    number = await repository.insert_order(session, order, items, {**first, "created_at": now})
    out = OrderOut.model_validate({**order, "number": number, "items": items})
    await events.record(session, "order.created", "order", order_id, out)
    # The stock last: its row lock is held from here to the commit, so orders for one
    # popular product queue behind each other only for that short tail, not for the
    # whole transaction. A shortage raises, and the rollback undoes the rows above.
    await inventory.reserve(session, wanted, {pid: prices[pid].sku for pid in wanted})
    metrics.count_after_commit(session, metrics.ORDERS_CREATED.labels(currency))
    return out


def _transition_row(
    order_id: uuid.UUID,
    from_status: str | None,
    to_status: str,
    actor_id: uuid.UUID | None,
    note: str | None,
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "order_id": order_id,
        "from_status": from_status,
        "to_status": to_status,
        "actor_id": actor_id,
        "note": note,
    }


def can_see_all(actor: Principal) -> bool:
    return actor.can(Permission.ORDERS_MANAGE)


async def get_order(
    session: AsyncSession, order_id: uuid.UUID, actor: Principal, *, lock: bool = False
) -> Order:
    order = await repository.get(session, order_id, lock=lock)
    if order is None or (order.user_id != actor.user_id and not can_see_all(actor)):
        raise NotFound(f"Order {order_id} does not exist.")
    return order


async def get_order_out(session: AsyncSession, order_id: uuid.UUID, actor: Principal) -> OrderOut:
    return await to_out(session, await get_order(session, order_id, actor))


async def list_orders(
    session: AsyncSession, page: PageParams, filters: OrderFilters, actor: Principal
) -> Page[OrderOut]:
    if not can_see_all(actor):
        filters = filters.model_copy(update={"user_id": actor.user_id})
    return await _with_items(session, page, filters, newest_first=True)


async def _with_items(
    session: AsyncSession, page: PageParams, filters: OrderFilters, *, newest_first: bool
) -> Page[OrderOut]:
    """A page of orders with their items: one query for the orders, one for items."""
    rows = await repository.page_of(session, page, _same, filters, newest_first=newest_first)
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
        await inventory.release(session, await repository.lines(session, order.id))
    step = OrderTransition(**_transition_row(order.id, order.status, to_status, actor_id, note))
    order.status = to_status
    if to_status != "pending":
        order.expires_at = None
    await repository.add_transition(session, step)
    await events.record(
        session, f"order.{to_status}", "order", order.id, await to_out(session, order)
    )


# (session, order_id, who cancels): refunds and audits every payment of the order.
RefundAll = Callable[[AsyncSession, uuid.UUID, Principal], Awaitable[None]]


async def cancel(
    session: AsyncSession, order: Order, actor: Principal, note: str | None, refund_all: RefundAll
) -> None:
    """`refund_all` comes from the payments domain, which this one does not import."""
    if order.user_id == actor.user_id and not can_see_all(actor) and order.status != "pending":
        raise Conflict(
            f"Order {order.id} is {order.status}; only staff can cancel it now.",
            current_status=order.status,
            allowed=[],
        )
    if order.status in {"paid", "fulfilled"}:
        await refund_all(session, order.id, actor)
        await repository.refresh(session, order)
    await transition(session, order, "cancelled", actor.user_id, note)


async def fulfill(session: AsyncSession, order: Order, actor: Principal) -> None:
    await transition(session, order, "fulfilled", actor.user_id)
    await inventory.ship_reserved(
        session,
        await repository.lines(session, order.id),
        order_id=order.id,
        actor_id=actor.user_id,
    )


async def ship(
    session: AsyncSession, order: Order, actor: Principal, carrier: str, tracking: str
) -> None:
    # Set first, so the order.shipped event carries them.
    order.carrier = carrier
    order.tracking_number = tracking
    await transition(session, order, "shipped", actor.user_id, f"{carrier} {tracking}")


async def _audited(
    session: AsyncSession,
    order_id: uuid.UUID,
    actor: Principal,
    action: str,
    change: Callable[[Order], Awaitable[object]],
) -> OrderOut:
    """Lock the order and `change` it; the change goes to the audit trail."""
    order = await get_order(session, order_id, actor, lock=True)
    before = audit.snapshot(order, _AUDITED)
    await change(order)
    changes = audit.diff(before, audit.snapshot(order, _AUDITED))
    await audit.record(
        session, action, actor=actor, target_type="order", target_id=order.id, changes=changes
    )
    return await to_out(session, order)


async def cancel_order(
    session: AsyncSession,
    order_id: uuid.UUID,
    actor: Principal,
    note: str | None,
    refund_all: RefundAll,
) -> OrderOut:
    change = partial(cancel, session, actor=actor, note=note, refund_all=refund_all)
    return await _audited(session, order_id, actor, "order.cancel", change)


async def fulfill_order(session: AsyncSession, order_id: uuid.UUID, actor: Principal) -> OrderOut:
    change = partial(fulfill, session, actor=actor)
    return await _audited(session, order_id, actor, "order.fulfill", change)


async def ship_order(
    session: AsyncSession, order_id: uuid.UUID, actor: Principal, carrier: str, tracking: str
) -> OrderOut:
    change = partial(ship, session, actor=actor, carrier=carrier, tracking=tracking)
    return await _audited(session, order_id, actor, "order.ship", change)


async def deliver_order(session: AsyncSession, order_id: uuid.UUID, actor: Principal) -> OrderOut:
    change = partial(transition, session, to_status="delivered", actor_id=actor.user_id)
    return await _audited(session, order_id, actor, "order.deliver", change)


async def history(
    session: AsyncSession, order_id: uuid.UUID, actor: Principal, page: PageParams
) -> Page[OrderTransitionOut]:
    order = await get_order(session, order_id, actor)
    found = await repository.history(session, order.id, page, OrderTransitionOut.model_validate)
    # Who, for people: the actor's email, looked up for the whole page in one query.
    emails = await users.contacts(session, [t.actor_id for t in found.data if t.actor_id])
    data = [
        t.model_copy(update={"actor_email": emails[t.actor_id].email})
        if t.actor_id in emails
        else t
        for t in found.data
    ]
    return Page(data=data, next_cursor=found.next_cursor)


async def expire_overdue(session: AsyncSession, now: datetime | None = None) -> int:
    """Pending orders past their reservation time become expired and free their stock."""
    overdue = await repository.overdue(session, now or utcnow(), limit=500)
    for order in overdue:
        await transition(session, order, "expired", None, "unpaid past the reservation time")
    return len(overdue)


@products.product_in_use.connect
async def _product_ordered(session: AsyncSession, product_id: uuid.UUID) -> bool:
    return await repository.product_ordered(session, product_id)


async def co_purchased(
    session: AsyncSession, product_id: uuid.UUID, limit: int
) -> list[tuple[uuid.UUID, int]]:
    """Products bought in the same orders as this one, most often first."""
    return await repository.co_purchased(session, product_id, limit)


async def popularity(session: AsyncSession, product_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Units sold of each of these products."""
    return await repository.popularity(session, product_ids)


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
    placed_today = await repository.count_placed_since(session, since)
    pending = await repository.count_in_status(session, "pending")
    revenue_today = {
        currency: quantize(Decimal(total or 0), currency)
        for currency, total in await repository.revenue_by_currency(
            session, since, REVENUE_STATUSES
        )
    }
    counted = await repository.count_by_hour(session, buckets.start, buckets.end)
    hourly_orders = buckets.counts(counted)
    hourly_revenue: dict[str, list[Decimal]] = {}
    revenue_orders: dict[str, int] = defaultdict(int)
    summed = await repository.revenue_by_hour(session, buckets.start, buckets.end, REVENUE_STATUSES)
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


async def export_page(
    session: AsyncSession, filters: OrderFilters, page: PageParams
) -> Page[OrderOut]:
    """Orders with their items, oldest first."""
    return await _with_items(session, page, filters, newest_first=False)
