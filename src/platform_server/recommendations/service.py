from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.principal import Principal
from platform_server.inventory import service as inventory
from platform_server.orders import service as orders
from platform_server.products import service as catalog
from platform_server.products.schemas import ProductOut

if TYPE_CHECKING:
    from platform_server.products.models import Product

# Candidates of the same category looked at for the popularity fallback.
CATEGORY_CANDIDATES = 200


async def recommend(
    session: AsyncSession, product_id: uuid.UUID, actor: Principal | None, limit: int
) -> list[ProductOut]:
    """Never the product itself, never archived or out-of-stock products."""
    product = await catalog.get_product(session, product_id, actor)
    in_stock = inventory.ids_with_stock()
    picked: list[Product] = []
    together = [pid for pid, _ in await orders.co_purchased(session, product.id, limit * 3)]
    if together:
        eligible = await catalog.sellable(session, together, in_stock)
        picked = [eligible[pid] for pid in together if pid in eligible][:limit]
    if len(picked) < limit:
        candidates = await catalog.sellable_in_category(
            session,
            product.category,
            excluding={p.id for p in picked} | {product.id},
            in_stock=in_stock,
            limit=CATEGORY_CANDIDATES,
        )
        sold = await orders.popularity(session, [p.id for p in candidates])
        candidates.sort(key=lambda p: (-sold.get(p.id, 0), p.name))
        picked.extend(candidates[: limit - len(picked)])
    return await catalog.to_out(session, picked)
