"""Products and categories. Customers and anonymous callers see active products only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Select, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.catalog import hooks, search
from platform_server.catalog.models import Product
from platform_server.catalog.schemas import CategoryOut, ProductCreate, ProductOut, ProductUpdate
from platform_server.core import direct
from platform_server.core.database import table_of, utcnow
from platform_server.core.direct import Direct
from platform_server.core.errors import Conflict, NotFound, Unprocessable
from platform_server.core.ids import new_ids
from platform_server.core.money import quantize
from platform_server.core.pagination import (
    Page,
    PageParams,
    SortKey,
    bad_cursor,
    decode_cursor,
    encode_cursor,
    paginate,
    paginate_by_offset,
)
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.events import api as events
from platform_server.inventory import service as inventory
from platform_server.inventory.schemas import InventoryOut

SortName = Literal["price", "-price", "name", "-name", "created_at", "-created_at", "relevance"]
_SORTS: dict[str, SortKey] = {
    "price": SortKey(Product.price, descending=False),
    "-price": SortKey(Product.price),
    "name": SortKey(Product.name, descending=False),
    "-name": SortKey(Product.name),
    "created_at": SortKey(Product.created_at, descending=False),
    "-created_at": SortKey(Product.created_at),
}


def sees_all(actor: Principal | None) -> bool:
    return actor is not None and actor.can(Permission.CATALOG_WRITE)


async def to_out(session: AsyncSession, products: Sequence[Product]) -> list[ProductOut]:
    levels = await inventory.levels_for(session, (p.id for p in products))
    out = []
    for product in products:
        level = levels.get(product.id)
        item = ProductOut.model_validate(product)
        item.inventory = inventory.to_out(level) if level else None
        out.append(item)
    return out


async def one_out(session: AsyncSession, product: Product) -> ProductOut:
    return (await to_out(session, [product]))[0]


def _sku_conflict(sku: str, exc: IntegrityError) -> Conflict:
    return Conflict(
        f"A product with SKU {sku} already exists.",
        errors=[{"loc": ["body", "sku"], "msg": "already exists"}],
    )


async def create_product(
    session: AsyncSession, data: ProductCreate, actor: Principal | None
) -> Product:
    product = Product(
        sku=data.sku,
        name=data.name,
        description=data.description,
        price=quantize(data.price, data.currency),
        currency=data.currency,
        category=data.category,
        attributes=data.attributes,
        status=data.status,
    )
    session.add(product)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise _sku_conflict(data.sku, exc) from exc
    await inventory.create_level(
        session,
        product.id,
        on_hand=data.stock,
        low_stock_threshold=data.low_stock_threshold,
        actor_id=actor.user_id if actor else None,
    )
    await session.flush()
    await _announce(session, "product.created", product)
    return product


async def _announce(session: AsyncSession, type_: str, product: Product) -> None:
    await events.record(session, type_, "product", product.id, await one_out(session, product))


async def insert_many(
    session: AsyncSession, items: Sequence[ProductCreate], actor: Principal | None
) -> list[uuid.UUID]:
    """Bulk create (batch import): one multi-row insert per table."""
    if not items:
        return []
    now = utcnow()
    ids = new_ids(len(items))
    rows = [
        {
            "id": product_id,
            "sku": data.sku,
            "name": data.name,
            "description": data.description,
            "price": quantize(data.price, data.currency),
            "currency": data.currency,
            "category": data.category,
            "attributes": data.attributes,
            "status": data.status,
            "created_at": now,
            "updated_at": now,
        }
        for product_id, data in zip(ids, items, strict=True)
    ]
    async with search.indexed_in_bulk(session, ids):
        await session.execute(insert(table_of(Product)), rows)
    await inventory.create_levels(
        session,
        [(pid, d.stock, d.low_stock_threshold) for pid, d in zip(ids, items, strict=True)],
        actor_id=actor.user_id if actor else None,
    )
    # Built from what was just inserted: no read-back per imported row.
    created = [
        (
            row["id"],
            ProductOut(
                **row,
                inventory=InventoryOut(
                    product_id=row["id"],
                    on_hand=data.stock,
                    reserved=0,
                    available=data.stock,
                    low_stock_threshold=data.low_stock_threshold,
                    updated_at=now,
                ),
            ),
        )
        for row, data in zip(rows, items, strict=True)
    ]
    await events.record_many(session, "product.created", "product", created, actor)
    return ids


async def get_product(
    session: AsyncSession, product_id: uuid.UUID, actor: Principal | None
) -> Product:
    product = await session.get(Product, product_id)
    if product is None or (product.status != "active" and not sees_all(actor)):
        raise NotFound(f"Product {product_id} does not exist.")
    return product


async def by_sku(session: AsyncSession, skus: Sequence[str]) -> dict[str, Product]:
    if not skus:
        return {}
    rows = await session.scalars(select(Product).where(Product.sku.in_(list(skus))))
    return {p.sku: p for p in rows}


async def by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Product]:
    if not ids:
        return {}
    rows = await session.scalars(select(Product).where(Product.id.in_(list(ids))))
    return {p.id: p for p in rows}


async def sellable(
    session: AsyncSession, ids: Sequence[uuid.UUID], in_stock: Select[Any]
) -> dict[uuid.UUID, Product]:
    """The active products among `ids` whose id is in `in_stock` (the inventory
    domain's query of ids with stock)."""
    if not ids:
        return {}
    rows = await session.scalars(
        select(Product).where(
            Product.id.in_(list(ids)), Product.status == "active", Product.id.in_(in_stock)
        )
    )
    return {p.id: p for p in rows}


async def count_active(session: AsyncSession, among: Select[Any]) -> int:
    """How many active (not archived) products have their id in `among`, another
    domain's query of product ids."""
    stmt = (
        select(func.count())
        .select_from(Product)
        .where(Product.status == "active", Product.id.in_(among))
    )
    return int(await session.scalar(stmt) or 0)


async def sellable_in_category(
    session: AsyncSession,
    category: str,
    *,
    excluding: set[uuid.UUID],
    in_stock: Select[Any],
    limit: int,
) -> list[Product]:
    rows = await session.scalars(
        select(Product)
        .where(
            Product.category == category,
            Product.status == "active",
            Product.id.not_in(excluding),
            Product.id.in_(in_stock),
        )
        .limit(limit)
    )
    return list(rows)


@dataclass(frozen=True)
class PriceLine:
    """What an order needs of a product."""

    id: uuid.UUID
    sku: str
    name: str
    price: Decimal
    currency: str
    status: str


async def price_list(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PriceLine]:
    """What an order needs of each product (id, sku, name, price, currency, status),
    from plain rows: cheaper than whole ORM objects on the order path."""
    if not ids:
        return {}
    found = await direct.run(session, _PRICE_LIST, {"ids": list(ids)})
    return {row.id: PriceLine(*row) for row in found}


# Built once, from the table: the order path runs it on every order, and a statement
# of mapped attributes would also go through the ORM's result layer.
_products = table_of(Product)
_PRICE_LIST = Direct(
    select(*(_products.c[field.name] for field in fields(PriceLine))).where(
        _products.c.id.in_(bindparam("ids", expanding=True))
    )
)


@dataclass(frozen=True)
class ProductFilters:
    q: str | None = None
    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    status: str | None = None
    sort: SortName | None = None


async def list_products(
    session: AsyncSession, page: PageParams, filters: ProductFilters, actor: Principal | None
) -> Page[ProductOut]:
    low, high = filters.min_price, filters.max_price
    if low is not None and high is not None and low > high:
        raise Unprocessable(
            "min_price is above max_price.",
            errors=[{"loc": ["query", "min_price"], "msg": "greater than max_price"}],
        )
    stock = inventory.stock_view()
    stmt = select(*Product.__table__.c, *(c.label(f"stock_{c.key}") for c in stock.c)).outerjoin(
        stock, stock.c.product_id == Product.id
    )
    status = filters.status if sees_all(actor) else "active"
    if status:
        stmt = stmt.where(Product.status == status)
    if filters.category:
        stmt = stmt.where(Product.category == filters.category)
    if filters.min_price is not None:
        stmt = stmt.where(Product.price >= filters.min_price)
    if filters.max_price is not None:
        stmt = stmt.where(Product.price <= filters.max_price)
    if filters.in_stock is not None:
        in_stock = Product.id.in_(inventory.ids_with_stock())
        stmt = stmt.where(in_stock if filters.in_stock else ~in_stock)
    sort = filters.sort or ("relevance" if filters.q else "-created_at")
    if sort == "relevance" and not filters.q:
        raise Unprocessable(
            "Sorting by relevance needs a search query q.",
            errors=[{"loc": ["query", "sort"], "msg": "relevance needs q"}],
        )
    if filters.q:
        dialect = session.get_bind().dialect.name
        stmt = search.apply(stmt, filters.q, dialect, rank=sort == "relevance")
    if sort == "relevance":
        return await paginate_by_offset(session, stmt, page=page, to_schema=_row_out, rows=True)
    return await paginate(
        session,
        stmt,
        row_id=Product.id,
        page=page,
        to_schema=_row_out,
        sort=_SORTS[sort],
        rows=True,
    )


_PRODUCT_FIELDS = tuple(c.key for c in Product.__table__.c)


def _row_out(row: Any) -> ProductOut:
    values = {key: getattr(row, key) for key in _PRODUCT_FIELDS}
    return ProductOut(**values, inventory=inventory.inventory_from_row(row))


async def update_product(
    session: AsyncSession, product_id: uuid.UUID, data: ProductUpdate
) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound(f"Product {product_id} does not exist.")
    changes = data.model_dump(exclude_unset=True)
    nulls = [k for k, v in changes.items() if v is None]
    if nulls:
        raise Unprocessable(
            "These fields cannot be null.",
            errors=[{"loc": ["body", k], "msg": "may not be null"} for k in nulls],
        )
    for field, value in changes.items():
        setattr(product, field, value)
    product.price = quantize(product.price, product.currency)
    sku = product.sku  # read now: a failed flush expires the object
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise _sku_conflict(sku, exc) from exc
    if changes:
        await _announce(session, "product.updated", product)
    return product


async def announce_updated(session: AsyncSession, products: Sequence[Product]) -> None:
    """product.updated for each of these (batch upserts), read back in one query."""
    outs = await to_out(session, products)
    await events.record_many(session, "product.updated", "product", [(o.id, o) for o in outs])


async def delete_product(
    session: AsyncSession, product_id: uuid.UUID
) -> Literal["deleted", "archived"]:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound(f"Product {product_id} does not exist.")
    if await hooks.product_in_use.any(session, product_id):
        product.status = "archived"
        await session.flush()
        await _announce(session, "product.updated", product)
        return "archived"
    await _announce(session, "product.deleted", product)
    await inventory.remove(session, product_id)
    await session.delete(product)
    await session.flush()
    return "deleted"


async def categories(
    session: AsyncSession, actor: Principal | None, page: PageParams
) -> Page[CategoryOut]:
    """Categories by name with their product counts (active products for customers)."""
    stmt = select(Product.category, func.count().label("n")).group_by(Product.category)
    if not sees_all(actor):
        stmt = stmt.where(Product.status == "active")
    if page.cursor:
        after = _category_cursor(page.cursor)
        stmt = stmt.having(Product.category > after)
    rows = (await session.execute(stmt.order_by(Product.category).limit(page.limit + 1))).all()
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    data = [CategoryOut(name=name, product_count=count) for name, count in rows]
    return Page[CategoryOut](
        data=data, next_cursor=_encode_category(data[-1].name) if more and data else None
    )


def _encode_category(name: str) -> str:
    return encode_cursor(["c", name])


def _category_cursor(cursor: str) -> str:
    payload = decode_cursor(cursor)
    if len(payload) != 2 or payload[0] != "c" or not isinstance(payload[1], str):
        raise bad_cursor()
    return payload[1]
