from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.principal import Principal
from platform_server.orders import api as orders
from platform_server.products import api as products
from platform_server.products.api import ProductOut

# Candidates of the same category looked at for the popularity fallback.
CATEGORY_CANDIDATES = 200


async def recommend(
    session: AsyncSession, product_id: uuid.UUID, actor: Principal | None, limit: int
) -> list[ProductOut]:
    """Never the product itself, never archived or out-of-stock products."""
    product = await products.get_product(session, product_id, actor)
    picked: list[ProductOut] = []
    together = [pid for pid, _ in await orders.co_purchased(session, product.id, limit * 3)]
    if together:
        eligible = await products.sellable(session, together)
        picked = [eligible[pid] for pid in together if pid in eligible][:limit]
    if len(picked) < limit:
        candidates = await products.sellable_in_category(
            session,
            product.category,
            excluding={p.id for p in picked} | {product.id},
            limit=CATEGORY_CANDIDATES,
        )
        sold = await orders.popularity(session, [p.id for p in candidates])
        candidates.sort(key=lambda p: (-sold.get(p.id, 0), p.name))
        picked.extend(candidates[: limit - len(picked)])
    return picked
