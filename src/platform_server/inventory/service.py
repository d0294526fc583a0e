"""Stock levels. Reservations are conditional updates, so no two orders can take the
same unit: the database checks availability and takes it in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.database import utcnow
from platform_server.core.errors import Conflict, found
from platform_server.core.ids import new_ids
from platform_server.core.pagination import Page, PageParams
from platform_server.core.principal import Principal
from platform_server.events import api as events
from platform_server.inventory import repository
from platform_server.inventory.models import StockLevel
from platform_server.inventory.schemas import AdjustmentIn, InventoryOut, MovementOut


def _out(
    on_hand: int, reserved: int, threshold: int, product_id: uuid.UUID, updated_at: Any
) -> InventoryOut:
    return InventoryOut(
        product_id=product_id,
        on_hand=on_hand,
        reserved=reserved,
        available=on_hand - reserved,
        low_stock_threshold=threshold,
        updated_at=updated_at,
    )


def to_out(level: StockLevel) -> InventoryOut:
    return _out(
        level.on_hand, level.reserved, level.low_stock_threshold, level.product_id, level.updated_at
    )


async def create_level(
    session: AsyncSession,
    product_id: uuid.UUID,
    *,
    on_hand: int,
    low_stock_threshold: int,
    actor_id: uuid.UUID | None,
) -> None:
    level = StockLevel(
        product_id=product_id, on_hand=on_hand, reserved=0, low_stock_threshold=low_stock_threshold
    )
    repository.add(session, level)
    if on_hand:
        repository.add(
            session,
            repository.movement(product_id, on_hand, on_hand, "initial", "initial stock", actor_id),
        )


async def create_levels(
    session: AsyncSession,
    levels: Sequence[tuple[uuid.UUID, int, int]],
    *,
    actor_id: uuid.UUID | None,
) -> None:
    """Bulk `create_level` for (product_id, on_hand, low_stock_threshold) triples."""
    rows, movements = _initial_rows(levels, actor_id, utcnow())
    await repository.insert_levels(session, rows)
    await repository.insert_movements(session, movements)


async def load_levels(
    session: AsyncSession, levels: Sequence[tuple[uuid.UUID, int, int]], at: datetime
) -> None:
    """`create_levels` for a bulk load (`platform server seed`): COPY on PostgreSQL."""
    rows, movements = _initial_rows(levels, None, at)
    await repository.load(session, rows, movements)


def _initial_rows(
    levels: Sequence[tuple[uuid.UUID, int, int]], actor_id: uuid.UUID | None, now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The stock levels and their "initial stock" ledger rows."""
    rows = [
        {
            "product_id": pid,
            "on_hand": on_hand,
            "reserved": 0,
            "low_stock_threshold": threshold,
            "updated_at": now,
        }
        for pid, on_hand, threshold in levels
    ]
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
    return rows, movements


async def levels_for(
    session: AsyncSession, product_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, InventoryOut]:
    levels = await repository.levels_for(session, product_ids)
    return {pid: to_out(level) for pid, level in levels.items()}


async def get_level(session: AsyncSession, product_id: uuid.UUID) -> StockLevel:
    level = await repository.level(session, product_id)
    return found(level, f"Product {product_id} has no inventory record.")


async def get_inventory(session: AsyncSession, product_id: uuid.UUID) -> InventoryOut:
    return to_out(await get_level(session, product_id))


async def adjust(
    session: AsyncSession, product_id: uuid.UUID, data: AdjustmentIn, actor: Principal
) -> InventoryOut:
    """Adds or removes units on hand, in the ledger and the audit trail; never below
    what is reserved."""
    level = await get_level(session, product_id)
    threshold_before = level.low_stock_threshold
    available_before = level.on_hand - level.reserved
    changed = await repository.add_on_hand(session, product_id, data.delta)
    await repository.refresh(session, level)
    if not changed:
        raise Conflict(
            f"Stock cannot go below what is reserved: {level.on_hand} on hand, "
            f"{level.reserved} reserved, adjustment {data.delta}.",
            on_hand=level.on_hand,
            reserved=level.reserved,
        )
    if data.low_stock_threshold is not None:
        level.low_stock_threshold = data.low_stock_threshold
    repository.add(
        session,
        repository.movement(
            product_id, data.delta, level.on_hand, "adjustment", data.reason, actor.user_id
        ),
    )
    await repository.flush(session)
    out = to_out(level)
    figures = (out.on_hand, out.reserved, out.low_stock_threshold, product_id, out.updated_at)
    await low_stock_check(session, figures, available_before=available_before)
    # on_hand before is exact from the delta, whatever adjustments ran meanwhile.
    changes = audit.diff(
        {"on_hand": out.on_hand - data.delta, "low_stock_threshold": threshold_before},
        {"on_hand": out.on_hand, "low_stock_threshold": out.low_stock_threshold},
    )
    await audit.record(
        session,
        "inventory.adjust",
        actor=actor,
        target_type="product",
        target_id=product_id,
        changes={**changes, "delta": data.delta, "reason": data.reason},
    )
    return out


async def low_stock_check(
    session: AsyncSession, figures: Sequence[Any], *, available_before: int
) -> None:
    """inventory.low_stock when availability falls to the threshold or below (once per
    crossing, not on every sale below it). `figures`: on_hand, reserved,
    low_stock_threshold, product_id, updated_at."""
    on_hand, reserved, threshold, product_id, _ = figures
    if on_hand - reserved <= threshold < available_before:
        level = _out(*figures)
        await events.record(session, "inventory.low_stock", "product", product_id, level)


async def _available(session: AsyncSession, product_id: uuid.UUID, *, fresh: bool) -> int:
    level = await repository.level(session, product_id, fresh=fresh)
    return level.on_hand - level.reserved if level else 0


async def reserve(
    session: AsyncSession,
    lines: Mapping[uuid.UUID, int],
    names: Mapping[uuid.UUID, str] | None = None,
) -> None:
    """Reserve every line or none. Rows are taken in id order, so concurrent orders
    lock them in the same order and cannot deadlock; each update checks and takes
    in one statement, so no check-then-write race can oversell. `names` (a SKU per
    product) is how a shortage is named to a person; its `product_id` stays the id."""
    short: list[dict[str, Any]] = []
    for product_id in sorted(lines):
        quantity = lines[product_id]
        if short:  # already failing: only read, to name every short line
            available = await _available(session, product_id, fresh=False)
            if available < quantity:
                short.append(_shortage(product_id, quantity, available))
            continue
        taken = await repository.take(session, product_id, quantity)
        if taken is None:
            available = await _available(session, product_id, fresh=True)
            short.append(_shortage(product_id, quantity, available))
            continue
        await low_stock_check(session, taken, available_before=taken[0] - taken[1] + quantity)
    if short:
        listing = ", ".join(
            f"{(names or {}).get(uuid.UUID(s['product_id']), s['product_id'])} "
            f"(wanted {s['requested']}, {s['available']} available)"
            for s in short
        )
        raise Conflict(f"Not enough stock for: {listing}.", shortages=short)


def _shortage(product_id: uuid.UUID, requested: int, available: int) -> dict[str, Any]:
    return {"product_id": str(product_id), "requested": requested, "available": max(available, 0)}


async def release(session: AsyncSession, lines: Mapping[uuid.UUID, int]) -> None:
    for product_id in sorted(lines):
        await repository.release(session, product_id, lines[product_id])


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
        await repository.ship(session, product_id, quantity)
        level = await repository.level(session, product_id, fresh=True)
        repository.add(
            session,
            repository.movement(
                product_id,
                -quantity,
                level.on_hand if level else 0,
                "fulfillment",
                f"order {order_id} fulfilled",
                actor_id,
                order_id,
            ),
        )


async def ledger(
    session: AsyncSession, product_id: uuid.UUID, page: PageParams
) -> Page[MovementOut]:
    await get_level(session, product_id)
    return await repository.ledger(session, product_id, page)


async def remove(session: AsyncSession, product_id: uuid.UUID) -> None:
    await repository.remove(session, product_id)


def inventory_from_row(row: Any) -> InventoryOut | None:
    """The `stock_view` columns of a joined row (labelled `stock_*`) as the API shows them."""
    if row.stock_on_hand is None:
        return None
    return _out(
        row.stock_on_hand,
        row.stock_reserved,
        row.stock_low_stock_threshold,
        row.stock_product_id,
        row.stock_updated_at,
    )
