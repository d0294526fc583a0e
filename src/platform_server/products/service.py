"""Products and categories. Customers and anonymous callers see active products only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.database import utcnow
from platform_server.core.errors import Conflict, NotFound, Unprocessable, found
from platform_server.core.ids import new_ids
from platform_server.core.money import quantize
from platform_server.core.pagination import (
    Page,
    PageParams,
    bad_cursor,
    decode_cursor,
    encode_cursor,
)
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.events import api as events
from platform_server.inventory import api as inventory
from platform_server.products import hooks, image_views, repository
from platform_server.products.models import Product
from platform_server.products.schemas import (
    CategoryOut,
    ProductCreate,
    ProductFilters,
    ProductOut,
    ProductUpdate,
)

# What the audit trail keeps of a product, as the API shows it.
_AUDITED = {"sku", "name", "description", "price", "currency", "category", "attributes", "status"}


def sees_all(actor: Principal | None) -> bool:
    return actor is not None and actor.can(Permission.CATALOG_WRITE)


def _audited(product: ProductOut | Product) -> dict[str, Any]:
    out = product if isinstance(product, ProductOut) else ProductOut.model_validate(product)
    return out.model_dump(mode="json", include=_AUDITED)


async def audit_product(
    session: AsyncSession,
    action: str,
    actor: Principal | None,
    product_id: uuid.UUID | None,
    changes: dict[str, Any],
) -> None:
    """The audit record of a change to a product (`product_id`), or to many (None)."""
    await audit.record(
        session, action, actor=actor, target_type="product", target_id=product_id, changes=changes
    )


async def to_out(session: AsyncSession, products: Sequence[Product]) -> list[ProductOut]:
    levels = await inventory.levels_for(session, (p.id for p in products))
    out = []
    for product in products:
        item = ProductOut.model_validate(product)
        item.inventory = levels.get(product.id)
        out.append(item)
    await image_views.attach(session, out)
    return out


async def one_out(session: AsyncSession, product: Product) -> ProductOut:
    return (await to_out(session, [product]))[0]


def _sku_conflict(sku: str) -> Conflict:
    return Conflict(
        f"A product with SKU {sku} already exists.",
        errors=[{"loc": ["body", "sku"], "msg": "already exists"}],
    )


async def create_product(
    session: AsyncSession, data: ProductCreate, actor: Principal | None
) -> ProductOut:
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
    try:
        await repository.add(session, product)
    except IntegrityError as exc:
        raise _sku_conflict(data.sku) from exc
    await inventory.create_level(
        session,
        product.id,
        on_hand=data.stock,
        low_stock_threshold=data.low_stock_threshold,
        actor_id=actor.user_id if actor else None,
    )
    await repository.flush(session)
    out = await _announce(session, "product.created", product)
    created = {
        **_audited(out),
        "stock": data.stock,
        "low_stock_threshold": data.low_stock_threshold,
    }
    await audit_product(session, "product.create", actor, product.id, audit.diff({}, created))
    return out


async def _announce(session: AsyncSession, type_: str, product: Product) -> ProductOut:
    out = await one_out(session, product)
    await events.record(session, type_, "product", product.id, out)
    return out


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
    await repository.insert_many(session, ids, rows)
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
                inventory=inventory.InventoryOut(
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


async def _existing(session: AsyncSession, product_id: uuid.UUID) -> Product:
    product = await repository.get(session, product_id)
    return found(product, f"Product {product_id} does not exist.")


async def get_product(
    session: AsyncSession, product_id: uuid.UUID, actor: Principal | None
) -> Product:
    product = await repository.get(session, product_id)
    if product is None or (product.status != "active" and not sees_all(actor)):
        raise NotFound(f"Product {product_id} does not exist.")
    return product


async def get_product_out(
    session: AsyncSession, product_id: uuid.UUID, actor: Principal | None
) -> ProductOut:
    return await one_out(session, await get_product(session, product_id, actor))


async def list_products(
    session: AsyncSession,
    page: PageParams,
    filters: ProductFilters,
    actor: Principal | None,
    *,
    candidates: int = 1000,
) -> Page[ProductOut]:
    low, high = filters.min_price, filters.max_price
    if low is not None and high is not None and low > high:
        raise Unprocessable(
            "min_price is above max_price.",
            errors=[{"loc": ["query", "min_price"], "msg": "greater than max_price"}],
        )
    stmt = repository.filtered(
        repository.with_stock(),
        status=filters.status if sees_all(actor) else "active",
        category=filters.category,
        min_price=low,
        max_price=high,
        in_stock=filters.in_stock,
        sku=filters.sku,
        id_prefix=filters.id_prefix,
    )
    sort = filters.sort or ("relevance" if filters.q else "-created_at")
    if sort == "relevance" and not filters.q:
        raise Unprocessable(
            "Sorting by relevance needs a search query q.",
            errors=[{"loc": ["query", "sort"], "msg": "relevance needs q"}],
        )
    found = await repository.page_of(
        session, stmt, page, sort, filters.q, row_out, candidates=candidates
    )
    await image_views.attach(session, found.data)
    return found


_PRODUCT_FIELDS = tuple(c.key for c in Product.__table__.c)


def row_out(row: Any) -> ProductOut:
    """A row of `repository.with_stock` as the API shows it."""
    values = {key: getattr(row, key) for key in _PRODUCT_FIELDS}
    return ProductOut(**values, inventory=inventory.inventory_from_row(row))


async def update_product(
    session: AsyncSession, product_id: uuid.UUID, data: ProductUpdate, actor: Principal
) -> ProductOut:
    product = await _existing(session, product_id)
    before = _audited(product)
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
        await repository.flush_in_savepoint(session)
    except IntegrityError as exc:
        raise _sku_conflict(sku) from exc
    if changes:
        out = await _announce(session, "product.updated", product)
    else:
        out = await one_out(session, product)
    changed = audit.diff(before, _audited(out))
    if changed:
        await audit_product(session, "product.update", actor, product_id, changed)
    return out


async def announce_images_changed(session: AsyncSession, product_id: uuid.UUID) -> None:
    """product.updated once its images changed: they are part of the product, so a
    webhook or the event stream sees the new order, primary image or set."""
    await _announce(session, "product.updated", await _existing(session, product_id))


async def announce_updated(session: AsyncSession, products: Sequence[Product]) -> None:
    """product.updated for each of these (batch upserts), read back in one query."""
    outs = await to_out(session, products)
    await events.record_many(session, "product.updated", "product", [(o.id, o) for o in outs])


async def delete_product(
    session: AsyncSession, product_id: uuid.UUID, actor: Principal
) -> Literal["deleted", "archived"]:
    """Deletes the product, or archives it when orders refer to it."""
    product = await _existing(session, product_id)
    before = _audited(product)
    if await hooks.product_in_use.any(session, product_id):
        product.status = "archived"
        await repository.flush(session)
        await _announce(session, "product.updated", product)
        changes = audit.diff({"status": before.get("status")}, {"status": "archived"})
        await audit_product(session, "product.archive", actor, product_id, changes)
        return "archived"
    await _announce(session, "product.deleted", product)
    await inventory.remove(session, product_id)
    await image_views.forget_all(session, product_id)
    await repository.delete(session, product)
    await audit_product(session, "product.delete", actor, product_id, audit.diff(before, {}))
    return "deleted"


async def categories(
    session: AsyncSession, actor: Principal | None, page: PageParams
) -> Page[CategoryOut]:
    """Categories by name with their product counts (active products for customers)."""
    after = _category_cursor(page.cursor) if page.cursor else None
    rows = await repository.categories(session, not sees_all(actor), after, page.limit + 1)
    more = len(rows) > page.limit
    data = [CategoryOut(name=name, product_count=count) for name, count in rows[: page.limit]]
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
