"""Every statement on the orders tables: orders, their items and their status history."""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Select, exists, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from platform_server.core import bulk, direct
from platform_server.core.database import equal_to, id_prefix, in_period, table_of
from platform_server.core.direct import Direct
from platform_server.core.pagination import Page, PageParams, by_creation, newest_first
from platform_server.core.timeseries import hour_of
from platform_server.orders.models import Order, OrderItem, OrderTransition
from platform_server.orders.schemas import OrderFilters

T = TypeVar("T")


class next_order_number(FunctionElement[int]):
    """The next order number, taken in the order's own insert (see the compilers below)."""

    type = BigInteger()
    inherit_cache = True


@compiles(next_order_number, "postgresql")
def _from_sequence(element: next_order_number, compiler: Any, **kw: Any) -> str:
    # A sequence: concurrent orders never wait for each other and no row is updated per
    # order; a rolled-back order leaves a gap, which numbers may have.
    return "nextval('order_numbers')"


_orders = table_of(Order)


@compiles(next_order_number)
def _after_highest(element: next_order_number, compiler: Any, **kw: Any) -> str:
    # SQLite: one writer at a time (write requests begin with BEGIN IMMEDIATE), so the
    # highest number cannot change between this read and the insert; the unique index
    # makes sure of it anyway. An index lookup, no counter table to keep in step.
    highest = select(func.coalesce(func.max(_orders.c.number), 1000) + 1).scalar_subquery()
    return str(compiler.process(highest, **kw))


_INSERT_ORDER = Direct(
    insert(_orders).values(number=next_order_number()).returning(_orders.c.number)
)
_INSERT_ITEM = Direct(insert(table_of(OrderItem)))
_INSERT_TRANSITION = Direct(insert(table_of(OrderTransition)))


async def insert_order(
    session: AsyncSession,
    order: dict[str, Any],
    items: list[dict[str, Any]],
    created: dict[str, Any],
) -> int:
    """The order, its items and its first transition, in reference order: the hottest
    write path skips the ORM (its unit of work and its bulk-insert layer). Returns the
    order's number, assigned by the insert."""
    row = await direct.first(session, _INSERT_ORDER, order)
    assert row is not None  # an insert … returning gives its row
    await direct.run(session, _INSERT_ITEM, items)
    await direct.run(session, _INSERT_TRANSITION, created)
    return int(row.number)


async def load(
    session: AsyncSession,
    orders: list[dict[str, Any]],
    items: list[dict[str, Any]],
    transitions: list[dict[str, Any]],
) -> None:
    """Bulk load (`platform server seed`): COPY on PostgreSQL, executemany elsewhere.
    The orders get the next numbers, in the order given."""
    numbers = await next_numbers(session, len(orders))
    orders = [{**order, "number": n} for order, n in zip(orders, numbers, strict=True)]
    await bulk.copy_rows(session, table_of(Order), orders)
    await bulk.copy_rows(session, table_of(OrderItem), items)
    await bulk.copy_rows(session, table_of(OrderTransition), transitions)


async def next_numbers(session: AsyncSession, count: int) -> list[int]:
    """`count` order numbers for a bulk load, taken as `next_order_number` takes one."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        taken = await session.scalars(
            select(func.nextval("order_numbers")).select_from(func.generate_series(1, count))
        )
        return sorted(int(n) for n in taken)
    highest = await session.scalar(select(func.coalesce(func.max(Order.number), 1000)))
    return list(range(int(highest or 1000) + 1, int(highest or 1000) + 1 + count))


async def get(session: AsyncSession, order_id: uuid.UUID, *, lock: bool = False) -> Order | None:
    return await session.get(Order, order_id, with_for_update=lock)


async def locked(session: AsyncSession, order_id: uuid.UUID) -> Order | None:
    """The order, reloaded under a row lock."""
    return await session.get(Order, order_id, with_for_update=True, populate_existing=True)


async def ids_by_number(session: AsyncSession, numbers: list[int]) -> dict[int, uuid.UUID]:
    """The id of each order found among these numbers (`#1001` is 1001)."""
    if not numbers:
        return {}
    stmt = select(Order.number, Order.id).where(Order.number.in_(numbers))
    return {number: order_id for number, order_id in await session.execute(stmt)}


async def refresh(session: AsyncSession, order: Order) -> None:
    await session.refresh(order)


async def items_of(
    session: AsyncSession, order_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[OrderItem]]:
    items: dict[uuid.UUID, list[OrderItem]] = defaultdict(list)
    if order_ids:
        rows = await session.scalars(
            select(OrderItem).where(OrderItem.order_id.in_(order_ids)).order_by(OrderItem.position)
        )
        for row in rows:
            items[row.order_id].append(row)
    return items


async def lines(session: AsyncSession, order_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Quantity per product of the order."""
    rows = await session.scalars(select(OrderItem).where(OrderItem.order_id == order_id))
    found: dict[uuid.UUID, int] = defaultdict(int)
    for row in rows:
        found[row.product_id] += row.quantity
    return dict(found)


async def add_transition(session: AsyncSession, transition: OrderTransition) -> None:
    session.add(transition)
    await session.flush()


async def page_of(
    session: AsyncSession,
    page: PageParams,
    to_schema: Callable[[Order], T],
    filters: OrderFilters,
    *,
    newest_first: bool,
) -> Page[T]:
    """Orders of `user_id` (all with None), in `status`, with `number`, whose id starts
    with `id_prefix`, placed in the period, whose id is `q` or whose buyer's email
    contains it; newest first, or oldest first (an export's order)."""
    stmt = _filtered(filters)
    return await by_creation(session, stmt, Order, page, to_schema, newest_first=newest_first)


def _filtered(filters: OrderFilters) -> Select[Any]:
    where = [
        *equal_to(
            (Order.user_id, filters.user_id),
            (Order.status, filters.status),
            (Order.number, filters.number),
        ),
        *in_period(Order.created_at, filters.created_after, filters.created_before),
        *id_prefix(Order.id, filters.id_prefix),
    ]
    if filters.q:
        term = filters.q.strip().lower()
        clauses = [Order.user_email.contains(term, autoescape=True)]
        with contextlib.suppress(ValueError):  # not an id: search emails only
            clauses.append(Order.id == uuid.UUID(term))
        where.append(or_(*clauses))
    return select(Order).where(*where)


async def history(
    session: AsyncSession, order_id: uuid.UUID, page: PageParams, to_schema: Callable[[Any], T]
) -> Page[T]:
    stmt = select(OrderTransition).where(OrderTransition.order_id == order_id)
    return await newest_first(session, stmt, OrderTransition, page, to_schema)


async def overdue(session: AsyncSession, now: datetime, limit: int) -> list[Order]:
    """Pending orders past their reservation time, locked (others' locks are skipped)."""
    stmt = (
        select(Order)
        .where(Order.status == "pending", Order.expires_at < now)
        .order_by(Order.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.scalars(stmt)).all())


async def product_ordered(session: AsyncSession, product_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(OrderItem.product_id == product_id))))


async def co_purchased(
    session: AsyncSession, product_id: uuid.UUID, limit: int
) -> list[tuple[uuid.UUID, int]]:
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


async def _count(session: AsyncSession, where: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count()).select_from(Order).where(where)) or 0)


async def count_placed_since(session: AsyncSession, since: datetime) -> int:
    return await _count(session, Order.created_at >= since)


async def count_in_status(session: AsyncSession, status: str) -> int:
    return await _count(session, Order.status == status)


async def revenue_by_currency(
    session: AsyncSession, since: datetime, statuses: frozenset[str]
) -> list[tuple[str, Decimal | None]]:
    stmt = (
        select(Order.currency, func.sum(Order.total))
        .where(Order.created_at >= since, Order.status.in_(statuses))
        .group_by(Order.currency)
    )
    return [(c, t) for c, t in await session.execute(stmt)]


def _in_hours(start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    return (Order.created_at >= start, Order.created_at < end)


async def count_by_hour(
    session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[datetime, int]]:
    hour = hour_of(session, Order.created_at)
    stmt: Select[Any] = select(hour, func.count()).where(*_in_hours(start, end)).group_by(hour)
    return [(h, n) for h, n in await session.execute(stmt)]


async def revenue_by_hour(
    session: AsyncSession, start: datetime, end: datetime, statuses: frozenset[str]
) -> list[tuple[datetime, str, Decimal | None, int]]:
    hour = hour_of(session, Order.created_at)
    stmt = (
        select(hour, Order.currency, func.sum(Order.total), func.count())
        .where(*_in_hours(start, end), Order.status.in_(statuses))
        .group_by(hour, Order.currency)
    )
    return [(h, c, t, n) for h, c, t, n in await session.execute(stmt)]
