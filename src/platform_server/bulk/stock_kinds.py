"""Inventory counts and prices by SKU (imports), and the catalog's stock (export).

Both imports name products by SKU: a chunk's SKUs are looked up at once, a SKU the
catalog does not have fails its row, and a SKU twice in one chunk fails the second
row (which of two counts would be right is not ours to guess)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.bulk.kinds import JobContext, Row, RowOutcome, register
from platform_server.bulk.rows import OUTCOMES, CheckedImport, PagedExport, stamp
from platform_server.core.money import Currency, MoneyIn
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import Permission
from platform_server.inventory import api as inventory
from platform_server.products import api as products

Sku = Annotated[str, Field(min_length=1, max_length=64)]
# Stock columns are 32-bit integers.
Count = Annotated[int, Field(ge=0, le=2_147_483_647)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CountRow(_Row):
    sku: Sku
    on_hand: Count


class PriceRow(_Row):
    sku: Sku
    price: MoneyIn
    currency: Currency


def reason_of(ctx: JobContext) -> str:
    """The ledger's and the audit trail's reason: the job, by id."""
    return f"bulk job {ctx.job_id}"


def _by_sku(rows: Sequence[Row]) -> tuple[dict[str, Row], list[RowOutcome]]:
    """Each SKU's row, and a failure for each repeat of a SKU in the chunk."""
    first: dict[str, Row] = {}
    repeated: list[RowOutcome] = []
    for row in rows:
        sku = row.data["sku"]
        if sku in first:
            error = f"SKU repeated (row {first[sku].number} has it)"
            repeated.append(RowOutcome(row.number, sku, "failed", error))
        else:
            first[sku] = row
    return first, repeated


class _Answer(Protocol):
    """What the inventory and products domains answer for each row they applied."""

    @property
    def outcome(self) -> str: ...
    @property
    def error(self) -> str | None: ...


def _reported(first: dict[str, Row], results: Mapping[str, _Answer]) -> list[RowOutcome]:
    """Each SKU's row outcome from what the domain answered for it."""
    return [
        RowOutcome(first[sku].number, sku, OUTCOMES[result.outcome], result.error)
        for sku, result in results.items()
    ]


def _unknown(row: Row) -> RowOutcome:
    return RowOutcome(row.number, row.data["sku"], "failed", "no product has this SKU")


class InventoryImport(CheckedImport):
    """`sku,on_hand`: absolute counts (a stock-take), each change in the ledger."""

    name = "inventory"
    columns = ("sku", "on_hand")
    required = ("sku", "on_hand")
    key = "sku"
    permission = Permission.INVENTORY_WRITE
    row_model = CountRow

    async def apply_chunk(
        self, session: AsyncSession, rows: Sequence[Row], ctx: JobContext
    ) -> list[RowOutcome]:
        first, outcomes = _by_sku(rows)
        ids = await products.ids_by_sku(session, list(first))
        counts: dict[uuid.UUID, int] = {}
        for sku, row in first.items():
            if sku in ids:
                counts[ids[sku]] = row.data["on_hand"]
            else:
                outcomes.append(_unknown(row))
        results = await inventory.set_counts(
            session, counts, reason=reason_of(ctx), actor=ctx.actor, dry_run=ctx.dry_run
        )
        return outcomes + _reported(first, {sku: results[pid] for sku, pid in ids.items()})


class PricesImport(CheckedImport):
    """`sku,price,currency`: a price list; each price rounded to its currency."""

    name = "prices"
    columns = ("sku", "price", "currency")
    required = ("sku", "price", "currency")
    key = "sku"
    permission = Permission.CATALOG_WRITE
    row_model = PriceRow

    async def apply_chunk(
        self, session: AsyncSession, rows: Sequence[Row], ctx: JobContext
    ) -> list[RowOutcome]:
        first, outcomes = _by_sku(rows)
        prices: dict[str, tuple[Decimal, str]] = {
            sku: (row.data["price"], row.data["currency"]) for sku, row in first.items()
        }
        results = await products.set_prices(
            session, prices, reason=reason_of(ctx), actor=ctx.actor, dry_run=ctx.dry_run
        )
        return outcomes + _reported(first, results)


class InventoryExport(PagedExport):
    """Every product with its stock; the figures are empty for one without a record."""

    name = "inventory"
    columns = (
        "sku",
        "name",
        "status",
        "on_hand",
        "reserved",
        "available",
        "low_stock_threshold",
        "updated_at",
    )
    permission = Permission.INVENTORY_WRITE

    async def page(
        self, session: AsyncSession, filters: Any, page: PageParams
    ) -> Page[products.StockRow]:
        return await products.stock_page(session, page)

    def row(self, item: Any) -> Mapping[str, Any]:
        return {
            **{column: getattr(item, column) for column in self.columns},
            "updated_at": stamp(item.updated_at),
        }


register(InventoryImport())
register(PricesImport())
register(InventoryExport())
