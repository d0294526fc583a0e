"""The products domain's public interface: what other domains may call.

Products cross the line as `ProductOut` (with their stock) or, on the order path, as
`PriceLine`: what an order needs of a product, without the rest.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.principal import Principal
from platform_server.products import repository, service
from platform_server.products.hooks import product_in_use
from platform_server.products.images import keys_in_use as image_keys_in_use
from platform_server.products.prices import (
    PriceResult,
    StockRow,
    ids_by_sku,
    set_prices,
    stock_page,
)
from platform_server.products.repository import count_active
from platform_server.products.schemas import ProductOut

__all__ = [
    "PriceLine",
    "PriceResult",
    "ProductOut",
    "StockRow",
    "count_active",
    "get_product",
    "ids_by_sku",
    "image_keys_in_use",
    "price_list",
    "product_in_use",
    "sellable",
    "sellable_in_category",
    "set_prices",
    "stock_page",
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
