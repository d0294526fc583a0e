from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.catalog import service as catalog
from platform_server.catalog.models import Product
from platform_server.catalog.schemas import ProductOut
from platform_server.core.principal import Principal
from platform_server.inventory import service as inventory
from platform_server.orders import service as orders


async def recommend(
    session: AsyncSession, product_id: uuid.UUID, actor: Principal | None, limit: int
) -> list[ProductOut]:
    """Never the product itself, never archived or out-of-stock products."""
    product = await catalog.get_product(session, product_id, actor)
    in_stock = inventory.ids_with_stock()
    picked: list[Product] = []
    together = [pid for pid, _ in await orders.co_purchased(session, product.id, limit * 3)]
    if together:
        found = await catalog.by_ids(session, together)
        rows = await session.scalars(
            select(Product).where(Product.id.in_(together), Product.id.in_(in_stock))
        )
        eligible = {p.id for p in rows if p.status == "active"}
        picked = [found[pid] for pid in together if pid in eligible][:limit]
    if len(picked) < limit:
        taken = {p.id for p in picked} | {product.id}
        candidates = list(
            await session.scalars(
                select(Product)
                .where(
                    Product.category == product.category,
                    Product.status == "active",
                    Product.id.not_in(taken),
                    Product.id.in_(in_stock),
                )
                .limit(200)
            )
        )
        sold = await orders.popularity(session, [p.id for p in candidates])
        candidates.sort(key=lambda p: (-sold.get(p.id, 0), p.name))
        picked.extend(candidates[: limit - len(picked)])
    return await catalog.to_out(session, picked)
