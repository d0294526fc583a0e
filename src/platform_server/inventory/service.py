"""Stock levels. Reservations are conditional updates, so no two orders can take the
same unit: the database checks availability and takes it in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, Subquery, bindparam, delete, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core import direct
from platform_server.core.database import table_of, utcnow
from platform_server.core.direct import Direct
from platform_server.core.errors import Conflict, NotFound
from platform_server.core.ids import new_ids
from platform_server.core.pagination import Page, PageParams, paginate
from platform_server.events import api as events
from platform_server.inventory.models import StockLevel, StockMovement
from platform_server.inventory.schemas import InventoryOut, MovementOut


def to_out(level: StockLevel) -> InventoryOut:
    return InventoryOut(
        product_id=level.product_id,
        on_hand=level.on_hand,
        reserved=level.reserved,
        available=level.on_hand - level.reserved,
        low_stock_threshold=level.low_stock_threshold,
        updated_at=level.updated_at,
    )


async def create_level(
    session: AsyncSession,
    product_id: uuid.UUID,
    *,
    on_hand: int,
    low_stock_threshold: int,
    actor_id: uuid.UUID | None,
) -> StockLevel:
    level = StockLevel(
        product_id=product_id, on_hand=on_hand, reserved=0, low_stock_threshold=low_stock_threshold
    )
    session.add(level)
    if on_hand:
        session.add(
            StockMovement(
                product_id=product_id,
                delta=on_hand,
                on_hand_after=on_hand,
                kind="initial",
                reason="initial stock",
                actor_id=actor_id,
            )
        )
    return level


async def create_levels(
    session: AsyncSession,
    levels: Sequence[tuple[uuid.UUID, int, int]],
    *,
    actor_id: uuid.UUID | None,
) -> None:
    """Bulk `create_level` for (product_id, on_hand, low_stock_threshold) triples."""
    now = utcnow()
    await session.execute(
        insert(table_of(StockLevel)),
        [
            {
                "product_id": pid,
                "on_hand": on_hand,
                "reserved": 0,
                "low_stock_threshold": threshold,
                "updated_at": now,
            }
            for pid, on_hand, threshold in levels
        ],
    )
    stocked = [(pid, on_hand) for pid, on_hand, _ in levels if on_hand]
    movements = [
        {
            "id": movement_id,
            "product_id": pid,
            "delta": on_hand,
            "on_hand_after": on_hand,
            "kind": "initial",
            "reason": "initial stock",
            "actor_id": actor_id,
            "order_id": None,
            "created_at": now,
        }
        for movement_id, (pid, on_hand) in zip(new_ids(len(stocked)), stocked, strict=True)
    ]
    if movements:
        await session.execute(insert(table_of(StockMovement)), movements)


async def levels_for(
    session: AsyncSession, product_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, StockLevel]:
    ids = list(product_ids)
    if not ids:
        return {}
    rows = await session.scalars(select(StockLevel).where(StockLevel.product_id.in_(ids)))
    return {row.product_id: row for row in rows}


async def get_level(session: AsyncSession, product_id: uuid.UUID) -> StockLevel:
    level = await session.get(StockLevel, product_id)
    if level is None:
        raise NotFound(f"Product {product_id} has no inventory record.")
    return level


async def _execute(session: AsyncSession, stmt: Any) -> int:
    result: CursorResult[Any] = await session.execute(stmt)  # type: ignore[assignment]
    return result.rowcount or 0


async def adjust(
    session: AsyncSession,
    product_id: uuid.UUID,
    *,
    delta: int,
    reason: str,
    actor_id: uuid.UUID | None,
    low_stock_threshold: int | None = None,
) -> StockLevel:
    level = await get_level(session, product_id)
    available_before = level.on_hand - level.reserved
    changed = await _execute(
        session,
        update(StockLevel)
        .where(
            StockLevel.product_id == product_id,
            StockLevel.on_hand + delta >= StockLevel.reserved,
        )
        .values(on_hand=StockLevel.on_hand + delta),
    )
    await session.refresh(level)
    if not changed:
        raise Conflict(
            f"Stock cannot go below what is reserved: {level.on_hand} on hand, "
            f"{level.reserved} reserved, adjustment {delta}.",
            on_hand=level.on_hand,
            reserved=level.reserved,
        )
    if low_stock_threshold is not None:
        level.low_stock_threshold = low_stock_threshold
    session.add(
        StockMovement(
            product_id=product_id,
            delta=delta,
            on_hand_after=level.on_hand,
            kind="adjustment",
            reason=reason,
            actor_id=actor_id,
        )
    )
    await session.flush()
    figures = (
        level.on_hand,
        level.reserved,
        level.low_stock_threshold,
        product_id,
        level.updated_at,
    )
    await _low_stock_check(session, figures, available_before=available_before)
    return level


# on_hand, reserved, low_stock_threshold, product_id, updated_at
_FIGURES = (
    StockLevel.on_hand,
    StockLevel.reserved,
    StockLevel.low_stock_threshold,
    StockLevel.product_id,
    StockLevel.updated_at,
)


async def _low_stock_check(
    session: AsyncSession, figures: Sequence[Any], *, available_before: int
) -> None:
    """inventory.low_stock when availability falls to the threshold or below (once per
    crossing, not on every sale below it)."""
    on_hand, reserved, threshold, product_id, updated_at = figures
    available = on_hand - reserved
    if not (available <= threshold < available_before):
        return
    level = InventoryOut(
        product_id=product_id,
        on_hand=on_hand,
        reserved=reserved,
        available=available,
        low_stock_threshold=threshold,
        updated_at=updated_at,
    )
    await events.record(session, "inventory.low_stock", "product", product_id, level)


_stock = table_of(StockLevel)
# Checks and takes in one statement; built once, as every order runs it.
_TAKE = Direct(
    update(_stock)
    .where(
        _stock.c.product_id == bindparam("pid"),
        _stock.c.on_hand - _stock.c.reserved >= bindparam("qty"),
    )
    .values(reserved=_stock.c.reserved + bindparam("qty"))
    .returning(*(_stock.c[column.key] for column in _FIGURES))
)


async def reserve(session: AsyncSession, lines: Mapping[uuid.UUID, int]) -> None:
    """Reserve every line or none. Rows are taken in id order, so concurrent orders
    lock them in the same order and cannot deadlock; each update checks and takes
    in one statement, so no check-then-write race can oversell."""
    short: list[dict[str, Any]] = []
    for product_id in sorted(lines):
        quantity = lines[product_id]
        if short:  # already failing: only read, to name every short line
            level = await session.get(StockLevel, product_id)
            available = level.on_hand - level.reserved if level else 0
            if available < quantity:
                short.append(_shortage(product_id, quantity, available))
            continue
        taken = await direct.first(session, _TAKE, {"pid": product_id, "qty": quantity})
        if taken is not None:
            await _low_stock_check(session, taken, available_before=taken[0] - taken[1] + quantity)
        else:
            level = await session.get(StockLevel, product_id)
            if level is not None:
                await session.refresh(level)
            available = level.on_hand - level.reserved if level else 0
            short.append(_shortage(product_id, quantity, available))
    if short:
        listing = ", ".join(
            f"{s['product_id']} (wanted {s['requested']}, {s['available']} available)"
            for s in short
        )
        raise Conflict(f"Not enough stock for: {listing}.", shortages=short)


def _shortage(product_id: uuid.UUID, requested: int, available: int) -> dict[str, Any]:
    return {"product_id": str(product_id), "requested": requested, "available": max(available, 0)}


async def release(session: AsyncSession, lines: Mapping[uuid.UUID, int]) -> None:
    for product_id in sorted(lines):
        await _execute(
            session,
            update(StockLevel)
            .where(StockLevel.product_id == product_id)
            .values(reserved=StockLevel.reserved - lines[product_id]),
        )


async def ship_reserved(
    session: AsyncSession,
    lines: Mapping[uuid.UUID, int],
    *,
    order_id: uuid.UUID,
    actor_id: uuid.UUID | None,
) -> None:
    """Reserved units leave the warehouse: on hand and reserved both go down."""
    for product_id in sorted(lines):
        quantity = lines[product_id]
        await _execute(
            session,
            update(StockLevel)
            .where(StockLevel.product_id == product_id)
            .values(on_hand=StockLevel.on_hand - quantity, reserved=StockLevel.reserved - quantity),
        )
        level = await session.get(StockLevel, product_id)
        if level is not None:
            await session.refresh(level)
        session.add(
            StockMovement(
                product_id=product_id,
                delta=-quantity,
                on_hand_after=level.on_hand if level else 0,
                kind="fulfillment",
                reason=f"order {order_id} fulfilled",
                actor_id=actor_id,
                order_id=order_id,
            )
        )


async def ledger(
    session: AsyncSession, product_id: uuid.UUID, page: PageParams
) -> Page[MovementOut]:
    await get_level(session, product_id)
    return await paginate(
        session,
        select(StockMovement).where(StockMovement.product_id == product_id),
        created_at=StockMovement.created_at,
        row_id=StockMovement.id,
        page=page,
        to_schema=MovementOut.model_validate,
    )


async def remove(session: AsyncSession, product_id: uuid.UUID) -> None:
    await session.execute(delete(StockMovement).where(StockMovement.product_id == product_id))
    await session.execute(delete(StockLevel).where(StockLevel.product_id == product_id))


def ids_with_stock() -> Select[uuid.UUID]:
    """A subquery other domains may filter by, without reading this table themselves."""
    return select(StockLevel.product_id).where(StockLevel.on_hand > StockLevel.reserved)


def stock_view() -> Subquery:
    """Stock columns other domains may join to list views (one query, not two),
    without reading this table themselves."""
    return select(
        StockLevel.product_id,
        StockLevel.on_hand,
        StockLevel.reserved,
        StockLevel.low_stock_threshold,
        StockLevel.updated_at,
    ).subquery("stock")


def inventory_from_row(row: Any) -> InventoryOut | None:
    """The `stock_view` columns of a joined row (labelled `stock_*`) as the API shows them."""
    if row.stock_on_hand is None:
        return None
    return InventoryOut(
        product_id=row.stock_product_id,
        on_hand=row.stock_on_hand,
        reserved=row.stock_reserved,
        available=row.stock_on_hand - row.stock_reserved,
        low_stock_threshold=row.stock_low_stock_threshold,
        updated_at=row.stock_updated_at,
    )


def low_stock_ids() -> Select[Any]:
    """A query of the products whose available stock (on hand less reserved) is at or
    below their low-stock threshold, as `inventory.low_stock` reports them: for other
    domains to filter by, since the product's status is not kept here."""
    available = StockLevel.on_hand - StockLevel.reserved
    return select(StockLevel.product_id).where(available <= StockLevel.low_stock_threshold)
