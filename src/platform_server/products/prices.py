"""Prices set in bulk by SKU (a price list from an ERP), and the catalog's stock read
out in bulk (the inventory export): what bulk jobs need of the products table."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.bulk import RowOutcome
from platform_server.core.money import quantize
from platform_server.core.pagination import Page, PageParams
from platform_server.core.principal import Principal
from platform_server.products import repository, service


@dataclass(frozen=True, slots=True)
class PriceResult:
    """What a new price did to one product (`valid`: a dry run would update it)."""

    sku: str
    outcome: RowOutcome
    product_id: uuid.UUID | None = None
    error: str | None = None


async def set_prices(
    session: AsyncSession,
    prices: Mapping[str, tuple[Decimal, str]],
    *,
    reason: str,
    actor: Principal | None,
    dry_run: bool = False,
) -> dict[str, PriceResult]:
    """Sets each SKU's price and currency (rounded to the currency as PATCH does);
    product.updated for each changed product, one audit record for the lot."""
    existing = await repository.by_sku(session, list(prices))
    results: dict[str, PriceResult] = {}
    changed = []
    for sku, (amount, currency) in prices.items():
        product = existing.get(sku)
        if product is None:
            results[sku] = PriceResult(sku, "error", error="no product has this SKU")
            continue
        price = quantize(amount, currency)
        if product.price == price and product.currency == currency:
            results[sku] = PriceResult(sku, "unchanged", product.id)
            continue
        results[sku] = PriceResult(sku, "valid" if dry_run else "updated", product.id)
        if not dry_run:
            product.price, product.currency = price, currency
            changed.append(product)
    if changed:
        await repository.flush(session)
        await service.announce_updated(session, changed)
        counts = {"reason": reason, "priced": len(prices), "updated": len(changed)}
        await service.audit_product(session, "product.prices", actor, None, counts)
    return results


@dataclass(frozen=True, slots=True)
class StockRow:
    """A product's stock as the inventory export writes it (None: no stock record)."""

    product_id: uuid.UUID
    sku: str
    name: str
    status: str
    on_hand: int | None
    reserved: int | None
    available: int | None
    low_stock_threshold: int | None
    updated_at: datetime | None


def _stock_row(row: Any) -> StockRow:
    counted = row.on_hand is not None
    return StockRow(
        row.id,
        row.sku,
        row.name,
        row.status,
        row.on_hand,
        row.reserved,
        row.on_hand - row.reserved if counted else None,
        row.low_stock_threshold,
        row.updated_at,
    )


async def stock_page(session: AsyncSession, page: PageParams) -> Page[StockRow]:
    """Products with their stock, oldest product first, keyset-paged."""
    return await repository.stock_page(session, page, _stock_row)
