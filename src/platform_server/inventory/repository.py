"""Every statement on the stock tables: stock levels and the movement ledger."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, Subquery, bindparam, delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.cache.stale import CATALOG, mark_stale
from platform_server.core import bulk, direct
from platform_server.core.database import table_of
from platform_server.core.direct import Direct
from platform_server.core.pagination import Page, PageParams, newest_first
from platform_server.inventory.models import StockLevel, StockMovement
from platform_server.inventory.schemas import MovementOut

# on_hand, reserved, low_stock_threshold, product_id, updated_at
_FIGURES = (
    StockLevel.on_hand,
    StockLevel.reserved,
    StockLevel.low_stock_threshold,
    StockLevel.product_id,
    StockLevel.updated_at,
)
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


# Stock is part of every product the catalog shows: each write here marks the catalog
# cache stale, invalidated once the transaction commits (`cache/stale.py`).


def add(session: AsyncSession, *rows: StockLevel | StockMovement) -> None:
    mark_stale(session, CATALOG)
    session.add_all(rows)


async def insert_levels(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    mark_stale(session, CATALOG)
    await bulk.insert_rows(session, table_of(StockLevel), rows)


async def load(
    session: AsyncSession, levels: Sequence[dict[str, Any]], movements: Sequence[dict[str, Any]]
) -> None:
    """Bulk load (`platform server seed`): COPY on PostgreSQL, executemany elsewhere."""
    mark_stale(session, CATALOG)
    await bulk.copy_rows(session, table_of(StockLevel), levels)
    await bulk.copy_rows(session, table_of(StockMovement), movements)


async def insert_movements(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await bulk.insert_rows(session, table_of(StockMovement), rows)


async def levels_for(
    session: AsyncSession, product_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, StockLevel]:
    ids = list(product_ids)
    if not ids:
        return {}
    rows = await session.scalars(select(StockLevel).where(StockLevel.product_id.in_(ids)))
    return {row.product_id: row for row in rows}


async def level(
    session: AsyncSession, product_id: uuid.UUID, *, fresh: bool = False
) -> StockLevel | None:
    """The level; `fresh` re-reads it when the session already holds an older copy."""
    found = await session.get(StockLevel, product_id)
    if found is not None and fresh:
        await session.refresh(found)
    return found


async def refresh(session: AsyncSession, level: StockLevel) -> None:
    await session.refresh(level)


async def flush(session: AsyncSession) -> None:
    mark_stale(session, CATALOG)
    await session.flush()


async def _update_level(
    session: AsyncSession, product_id: uuid.UUID, *where: Any, **values: Any
) -> int:
    """Sets `values` on the product's level (if `where` holds too): how many rows changed."""
    mark_stale(session, CATALOG)
    stmt = update(StockLevel).where(StockLevel.product_id == product_id, *where).values(**values)
    result: CursorResult[Any] = await session.execute(stmt)  # type: ignore[assignment]
    return result.rowcount or 0


async def add_on_hand(session: AsyncSession, product_id: uuid.UUID, delta: int) -> bool:
    """On hand moves by `delta` unless it would fall below what is reserved."""
    on_hand = StockLevel.on_hand + delta
    covers_reserved = on_hand >= StockLevel.reserved
    return await _update_level(session, product_id, covers_reserved, on_hand=on_hand) > 0


async def take(session: AsyncSession, product_id: uuid.UUID, quantity: int) -> Any | None:
    """Reserves `quantity` if that many are available: the level's figures after, or None."""
    mark_stale(session, CATALOG)
    return await direct.first(session, _TAKE, {"pid": product_id, "qty": quantity})


async def release(session: AsyncSession, product_id: uuid.UUID, quantity: int) -> None:
    await _update_level(session, product_id, reserved=StockLevel.reserved - quantity)


async def ship(session: AsyncSession, product_id: uuid.UUID, quantity: int) -> None:
    await _update_level(
        session,
        product_id,
        on_hand=StockLevel.on_hand - quantity,
        reserved=StockLevel.reserved - quantity,
    )


async def locked_figures(session: AsyncSession, product_ids: Sequence[uuid.UUID]) -> list[Any]:
    """on_hand, reserved, low_stock_threshold, product_id of these levels, locked in id
    order (as `reserve` takes them, so the two cannot deadlock) until the transaction
    ends: a count set meanwhile by another job waits, and its delta is read after ours."""
    if not product_ids:
        return []
    stmt = (
        select(
            _stock.c.on_hand, _stock.c.reserved, _stock.c.low_stock_threshold, _stock.c.product_id
        )
        .where(_stock.c.product_id.in_(sorted(product_ids)))
        .order_by(_stock.c.product_id)
        .with_for_update()
    )
    return list((await session.execute(stmt)).all())


_SET_ON_HAND = (
    update(_stock)
    .where(_stock.c.product_id == bindparam("pid"))
    .values(on_hand=bindparam("on_hand"), updated_at=bindparam("now"))
)


async def set_on_hand(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """One executemany of `{"pid", "on_hand", "now"}`: levels read by `locked_figures`."""
    if rows:
        mark_stale(session, CATALOG)
        await session.execute(_SET_ON_HAND, list(rows))


async def ledger(
    session: AsyncSession, product_id: uuid.UUID, page: PageParams
) -> Page[MovementOut]:
    stmt = select(StockMovement).where(StockMovement.product_id == product_id)
    return await newest_first(session, stmt, StockMovement, page, MovementOut.model_validate)


async def remove(session: AsyncSession, product_id: uuid.UUID) -> None:
    mark_stale(session, CATALOG)
    await session.execute(delete(StockMovement).where(StockMovement.product_id == product_id))
    await session.execute(delete(StockLevel).where(StockLevel.product_id == product_id))


def ids_with_stock() -> Select[Any]:
    return select(StockLevel.product_id).where(StockLevel.on_hand > StockLevel.reserved)


def stock_view() -> Subquery:
    return select(
        StockLevel.product_id,
        StockLevel.on_hand,
        StockLevel.reserved,
        StockLevel.low_stock_threshold,
        StockLevel.updated_at,
    ).subquery("stock")


def low_stock_ids() -> Select[Any]:
    available = StockLevel.on_hand - StockLevel.reserved
    return select(StockLevel.product_id).where(available <= StockLevel.low_stock_threshold)


def movement(
    product_id: uuid.UUID,
    delta: int,
    on_hand_after: int,
    kind: str,
    reason: str,
    actor_id: uuid.UUID | None,
    order_id: uuid.UUID | None = None,
) -> StockMovement:
    return StockMovement(
        product_id=product_id,
        delta=delta,
        on_hand_after=on_hand_after,
        kind=kind,
        reason=reason,
        actor_id=actor_id,
        order_id=order_id,
    )
