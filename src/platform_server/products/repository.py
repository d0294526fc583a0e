"""Every statement on the products table (its search index is in `search`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy import delete as delete_rows
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.cache.stale import CATALOG, mark_stale
from platform_server.core import bulk, direct
from platform_server.core.database import equal_to, table_of
from platform_server.core.database import id_prefix as prefixed
from platform_server.core.direct import Direct
from platform_server.core.pagination import Page, PageParams, SortKey, paginate, paginate_by_offset
from platform_server.inventory import api as inventory
from platform_server.products import search
from platform_server.products.models import Product, ProductImage

T = TypeVar("T")

SORTS: dict[str, SortKey] = {
    "price": SortKey(Product.price, descending=False),
    "-price": SortKey(Product.price),
    "name": SortKey(Product.name, descending=False),
    "-name": SortKey(Product.name),
    "created_at": SortKey(Product.created_at, descending=False),
    "-created_at": SortKey(Product.created_at),
}


async def get(session: AsyncSession, product_id: uuid.UUID) -> Product | None:
    return await session.get(Product, product_id)


# Every write here marks the catalog cache stale; it is invalidated once the
# transaction commits (`cache/stale.py`).


async def flush(session: AsyncSession) -> None:
    mark_stale(session, CATALOG)
    await session.flush()


async def flush_in_savepoint(session: AsyncSession) -> None:
    """Flush in a savepoint, so a unique-SKU failure leaves the transaction usable."""
    mark_stale(session, CATALOG)
    async with session.begin_nested():
        await session.flush()


async def add(session: AsyncSession, product: Product) -> None:
    session.add(product)
    await flush_in_savepoint(session)


async def delete(session: AsyncSession, product: Product) -> None:
    mark_stale(session, CATALOG)
    await session.delete(product)
    await session.flush()


async def insert_many(
    session: AsyncSession, ids: Sequence[uuid.UUID], rows: list[dict[str, Any]]
) -> None:
    """In a savepoint: a SKU another request took meanwhile fails this insert alone."""
    mark_stale(session, CATALOG)
    async with session.begin_nested(), search.indexed_in_bulk(session, ids):
        await bulk.insert_rows(session, table_of(Product), rows)


async def load(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk load (`platform server seed`): COPY on PostgreSQL; on SQLite the batch
    import's insert, which indexes the search text in one statement."""
    if session.get_bind().dialect.name == "sqlite":
        await insert_many(session, [row["id"] for row in rows], list(rows))
        return
    mark_stale(session, CATALOG)
    await bulk.copy_rows(session, table_of(Product), rows)


async def by_sku(session: AsyncSession, skus: Sequence[str]) -> dict[str, Product]:
    if not skus:
        return {}
    rows = await session.scalars(select(Product).where(Product.sku.in_(list(skus))))
    return {p.sku: p for p in rows}


async def known_categories(session: AsyncSession, names: Sequence[str]) -> set[str]:
    """Which of these categories some product (of any status) already has."""
    if not names:
        return set()
    stmt = select(Product.category).where(Product.category.in_(list(names))).distinct()
    return set((await session.scalars(stmt)).all())


async def ids_by_sku(session: AsyncSession, skus: Sequence[str]) -> dict[str, uuid.UUID]:
    """The id of each product found among these SKUs."""
    if not skus:
        return {}
    stmt = select(Product.sku, Product.id).where(Product.sku.in_(list(skus)))
    return {sku: pid for sku, pid in await session.execute(stmt)}


async def stock_page(
    session: AsyncSession, page: PageParams, to_schema: Callable[[Any], T]
) -> Page[T]:
    """id, sku, name, status and the stock columns (unlabelled), oldest product first."""
    stock = inventory.stock_view()
    stmt = select(
        Product.id,
        Product.sku,
        Product.name,
        Product.status,
        Product.created_at,  # the keyset's sort column
        stock.c.on_hand,
        stock.c.reserved,
        stock.c.low_stock_threshold,
        stock.c.updated_at,
    ).outerjoin(stock, stock.c.product_id == Product.id)
    sort = SortKey(Product.created_at, descending=False)
    return await paginate(
        session, stmt, row_id=Product.id, page=page, to_schema=to_schema, sort=sort, rows=True
    )


def with_stock() -> Select[Any]:
    """Products with their stock columns (labelled `stock_*`): one query for list views."""
    stock = inventory.stock_view()
    return select(*Product.__table__.c, *(c.label(f"stock_{c.key}") for c in stock.c)).outerjoin(
        stock, stock.c.product_id == Product.id
    )


async def export_page(
    session: AsyncSession,
    after_sku: str | None,
    limit: int,
    status: str | None,
    category: str | None,
) -> list[Any]:
    """Up to `limit` products (with stock) after `after_sku`, by SKU: a keyset page of
    a bulk export, which the unique SKU index reads in order. Only the columns a file
    holds, in this order: sku, name, description, price, currency, category, stock,
    low_stock_threshold, status, attributes. From the table, not the mapped class,
    and no ids or times: a third of the values to convert."""
    stock = inventory.stock_view()
    products = _products.c
    stmt = filtered(
        select(
            *(products[name] for name in ("sku", "name", "description", "price")),
            *(products[name] for name in ("currency", "category")),
            stock.c.on_hand,
            stock.c.low_stock_threshold,
            products.status,
            products.attributes,
        ).outerjoin(stock, stock.c.product_id == products.id),
        status=status,
        category=category,
        min_price=None,
        max_price=None,
        in_stock=None,
    )
    if after_sku is not None:
        stmt = stmt.where(products.sku > after_sku)
    return await rows(session, stmt.order_by(products.sku).limit(limit))


async def rows(session: AsyncSession, stmt: Select[Any]) -> list[Any]:
    return list((await session.execute(stmt)).all())


def sellable(ids: Sequence[uuid.UUID]) -> Select[Any]:
    """Active products among `ids` with stock, with their stock columns."""
    return with_stock().where(
        Product.id.in_(list(ids)),
        Product.status == "active",
        Product.id.in_(inventory.ids_with_stock()),
    )


def sellable_in_category(category: str, excluding: set[uuid.UUID], limit: int) -> Select[Any]:
    return (
        with_stock()
        .where(
            Product.category == category,
            Product.status == "active",
            Product.id.not_in(excluding),
            Product.id.in_(inventory.ids_with_stock()),
        )
        .limit(limit)
    )


async def count_active(session: AsyncSession, among: Select[Any]) -> int:
    """How many active (not archived) products have their id in `among`, another
    domain's query of product ids."""
    stmt = (
        select(func.count())
        .select_from(Product)
        .where(Product.status == "active", Product.id.in_(among))
    )
    return int(await session.scalar(stmt) or 0)


# Built once, from the table: the order path runs it on every order, and a statement
# of mapped attributes would also go through the ORM's result layer.
_products = table_of(Product)
_PRICE_LIST = Direct(
    select(
        *(_products.c[name] for name in ("id", "sku", "name", "price", "currency", "status"))
    ).where(_products.c.id.in_(bindparam("ids", expanding=True)))
)


async def price_rows(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Any]:
    """id, sku, name, price, currency, status of each product found."""
    if not ids:
        return []
    return await direct.run(session, _PRICE_LIST, {"ids": list(ids)})


def filtered(
    stmt: Select[Any],
    *,
    status: str | None,
    category: str | None,
    min_price: Any,
    max_price: Any,
    in_stock: bool | None,
    sku: str | None = None,
    id_prefix: str | None = None,
) -> Select[Any]:
    stmt = stmt.where(*equal_to((Product.sku, sku)), *prefixed(Product.id, id_prefix))
    if status:
        stmt = stmt.where(Product.status == status)
    if category:
        stmt = stmt.where(Product.category == category)
    if min_price is not None:
        stmt = stmt.where(Product.price >= min_price)
    if max_price is not None:
        stmt = stmt.where(Product.price <= max_price)
    if in_stock is not None:
        stocked = Product.id.in_(inventory.ids_with_stock())
        stmt = stmt.where(stocked if in_stock else ~stocked)
    return stmt


async def page_of(
    session: AsyncSession,
    stmt: Select[Any],
    page: PageParams,
    sort: str,
    q: str | None,
    to_schema: Any,
    *,
    candidates: int = 1000,
) -> Page[Any]:
    """A page of `stmt` (rows of `with_stock`), searched by `q` and sorted by `sort`
    (by relevance: among the newest `candidates` matches)."""
    if q:
        dialect = session.get_bind().dialect.name
        stmt = search.apply(stmt, q, dialect, rank=sort == "relevance", candidates=candidates)
    if sort == "relevance":
        return await paginate_by_offset(session, stmt, page=page, to_schema=to_schema, rows=True)
    return await paginate(
        session,
        stmt,
        row_id=Product.id,
        page=page,
        to_schema=to_schema,
        sort=SORTS[sort],
        rows=True,
    )


async def categories(
    session: AsyncSession, active_only: bool, after: str | None, limit: int
) -> list[tuple[str, int]]:
    stmt = select(Product.category, func.count().label("n")).group_by(Product.category)
    if active_only:
        stmt = stmt.where(Product.status == "active")
    if after is not None:
        stmt = stmt.having(Product.category > after)
    return [
        (n, c) for n, c in (await session.execute(stmt.order_by(Product.category).limit(limit)))
    ]


# Images: their rows change the product's JSON, so writes mark the catalog stale too.


async def images_of(session: AsyncSession, product_ids: Sequence[uuid.UUID]) -> list[ProductImage]:
    """The images of these products, each product's primary first, then by position."""
    if not product_ids:
        return []
    stmt = (
        select(ProductImage)
        .where(ProductImage.product_id.in_(product_ids))
        .order_by(
            ProductImage.product_id,
            ProductImage.is_primary.desc(),
            ProductImage.position,
            ProductImage.created_at,
        )
    )
    return list((await session.scalars(stmt)).all())


async def image(
    session: AsyncSession, product_id: uuid.UUID, image_id: uuid.UUID
) -> ProductImage | None:
    found = await session.get(ProductImage, image_id)
    return found if found is not None and found.product_id == product_id else None


async def add_image(session: AsyncSession, image: ProductImage) -> None:
    mark_stale(session, CATALOG)
    session.add(image)
    await session.flush()


async def save_images(session: AsyncSession) -> None:
    mark_stale(session, CATALOG)
    await session.flush()


async def delete_image(session: AsyncSession, image: ProductImage) -> None:
    mark_stale(session, CATALOG)
    await session.delete(image)
    await session.flush()


async def delete_images_of(session: AsyncSession, product_id: uuid.UUID) -> None:
    mark_stale(session, CATALOG)
    await session.execute(delete_rows(ProductImage).where(ProductImage.product_id == product_id))


async def image_renditions(session: AsyncSession) -> Sequence[dict[str, Any]]:
    """The renditions of every image (the orphan sweep's list of keys in use)."""
    return (await session.scalars(select(ProductImage.renditions))).all()
