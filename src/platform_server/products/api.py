"""The products domain's public interface: what other domains may call.

Products cross the line as `ProductOut` (with their stock) or, on the order path, as
`PriceLine`: what an order needs of a product, without the rest.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.principal import Principal
from platform_server.products import batch, repository, service
from platform_server.products.hooks import product_in_use
from platform_server.products.images import keys_in_use as image_keys_in_use
from platform_server.products.prices import PriceResult, StockRow, set_prices, stock_page
from platform_server.products.repository import count_active, ids_by_sku
from platform_server.products.schemas import BatchIn, ProductOut

__all__ = [
    "ExportedProduct",
    "PriceLine",
    "PriceResult",
    "ProductOut",
    "StockRow",
    "UpsertResult",
    "count_active",
    "export_page",
    "get_product",
    "ids_by_sku",
    "image_keys_in_use",
    "price_list",
    "product_in_use",
    "sellable",
    "sellable_in_category",
    "set_prices",
    "stock_page",
    "upsert_by_sku",
]


@dataclass(frozen=True, slots=True)
class PriceLine:
    id: uuid.UUID
    sku: str
    name: str
    price: Decimal
    currency: str
    status: str


async def price_list(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PriceLine]:
    """What an order needs of each product found among `ids` (archived ones included:
    the caller decides what it may sell)."""
    return {row.id: PriceLine(*row) for row in await repository.price_rows(session, ids)}


async def get_product(
    session: AsyncSession, product_id: uuid.UUID, actor: Principal | None
) -> ProductOut:
    """The product as `actor` may see it (NotFound for archived ones unless staff)."""
    return await service.get_product_out(session, product_id, actor)


async def sellable(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductOut]:
    """The active products among `ids` that have stock."""
    if not ids:
        return {}
    rows = await repository.rows(session, repository.sellable(ids))
    return {row.id: service.row_out(row) for row in rows}


async def sellable_in_category(
    session: AsyncSession, category: str, *, excluding: set[uuid.UUID], limit: int
) -> list[ProductOut]:
    """Up to `limit` active products with stock in `category`, not among `excluding`."""
    stmt = repository.sellable_in_category(category, excluding, limit)
    return [service.row_out(row) for row in await repository.rows(session, stmt)]


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """One item of `upsert_by_sku`: `result` is created, updated, unchanged, valid (a dry
    run's) or error, with `(field, message)` pairs saying why; `existing` when the SKU
    named a product already there (a dry run's `valid` would update it)."""

    index: int
    sku: str | None
    result: str
    errors: tuple[tuple[str, str], ...] = ()
    existing: bool = False


async def upsert_by_sku(
    session: AsyncSession,
    items: list[dict[str, Any]],
    actor: Principal,
    *,
    dry_run: bool,
    create_categories: bool = False,
) -> list[UpsertResult]:
    """Create or update products matched by SKU, by the rules of `POST /products/batch`,
    in the caller's transaction. Conflict when another transaction created one of the
    new SKUs meanwhile (the caller retries)."""
    # Any number of items: the 1,000 limit is the HTTP route's, not the rules'.
    out = await batch.upsert(
        session,
        BatchIn.model_construct(items=items, dry_run=dry_run, create_categories=create_categories),
        actor,
    )
    return [
        UpsertResult(
            r.index,
            r.sku,
            r.result,
            tuple((".".join(e["loc"]) or "row", e["msg"]) for e in r.errors or ()),
            r.id is not None,
        )
        for r in out.results
    ]


@dataclass(frozen=True, slots=True)
class ExportedProduct:
    """A product as an export file holds it: what an import reads back."""

    sku: str
    name: str
    description: str
    price: Decimal
    currency: str
    category: str
    stock: int | None
    low_stock_threshold: int | None
    status: str
    attributes: dict[str, Any]


async def export_page(
    session: AsyncSession,
    after_sku: str | None,
    limit: int,
    *,
    status: str | None = None,
    category: str | None = None,
) -> list[ExportedProduct]:
    """Up to `limit` products after `after_sku`, in SKU order (archived ones included
    unless `status` says otherwise)."""
    rows = await repository.export_page(session, after_sku, limit, status, category)
    return [
        ExportedProduct(sku, name, text, price, currency, category, stock, low, status, attrs or {})
        for sku, name, text, price, currency, category, stock, low, status, attrs in rows
    ]
