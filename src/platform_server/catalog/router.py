from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from platform_server.audit import api as audit
from platform_server.auth.deps import OptionalPrincipal, requires
from platform_server.catalog import batch, service
from platform_server.catalog.models import Product
from platform_server.catalog.schemas import (
    BatchIn,
    BatchOut,
    CategoryOut,
    ProductCreate,
    ProductDeleted,
    ProductOut,
    ProductStatus,
    ProductUpdate,
)
from platform_server.core.database import DbSession
from platform_server.core.idempotency import Idempotent
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.core.responses import model_response

router = APIRouter(tags=["products"])
Staff = Annotated[Principal, requires(Permission.CATALOG_WRITE)]

# What the audit trail keeps of a product, as the API shows it.
_AUDITED = {"sku", "name", "description", "price", "currency", "category", "attributes", "status"}


def _audited(product: ProductOut | Product | None) -> dict[str, Any]:
    if product is None:
        return {}
    out = product if isinstance(product, ProductOut) else ProductOut.model_validate(product)
    return out.model_dump(mode="json", include=_AUDITED)


@router.post(
    "/products",
    status_code=status.HTTP_201_CREATED,
    response_model=ProductOut,
    summary="Create a product",
)
async def create_product(
    payload: ProductCreate, idem: Idempotent, session: DbSession, actor: Staff
) -> ProductOut | Response:
    """Staff only. `stock` sets the initial units on hand."""
    replay = await idem.begin(actor.caller_key, payload)
    if replay is not None:
        return replay
    product = await service.create_product(session, payload, actor)
    out = await service.one_out(session, product)
    created = {
        **_audited(out),
        "stock": payload.stock,
        "low_stock_threshold": payload.low_stock_threshold,
    }
    await audit.record(
        session,
        "product.create",
        actor=actor,
        target_type="product",
        target_id=product.id,
        changes=audit.diff({}, created),
    )
    await idem.complete(session, status.HTTP_201_CREATED, out)
    return out


@router.get("/products", response_model=Page[ProductOut], summary="List and search products")
async def list_products(
    request: Request,
    session: DbSession,
    page: PageQuery,
    actor: OptionalPrincipal,
    q: Annotated[str | None, Query(max_length=200, description="Full-text search")] = None,
    category: Annotated[str | None, Query(max_length=100)] = None,
    min_price: Annotated[Decimal | None, Query(ge=0, max_digits=14)] = None,
    max_price: Annotated[Decimal | None, Query(ge=0, max_digits=14)] = None,
    in_stock: bool | None = None,
    status: Annotated[
        ProductStatus | None, Query(description="Staff only; others always see active")
    ] = None,
    sort: Annotated[
        service.SortName | None,
        Query(description="Default: relevance with q, else -created_at"),
    ] = None,
) -> Response:
    cache = request.app.state.catalog_cache
    key = f"{request.url.path}?{request.url.query}" if actor is None and cache.enabled else None
    if key and (hit := cache.get(key)) is not None:
        return Response(hit, media_type="application/json")
    filters = service.ProductFilters(
        q=q,
        category=category,
        min_price=min_price,
        max_price=max_price,
        in_stock=in_stock,
        status=status,
        sort=sort,
    )
    response = model_response(await service.list_products(session, page, filters, actor))
    if key:
        cache.put(key, bytes(response.body))
    return response


@router.post("/products/batch", response_model=BatchOut, summary="Create or update many")
async def batch_upsert(payload: BatchIn, session: DbSession, actor: Staff) -> Response:
    """Upsert up to 1,000 products by `sku`; one result per item. Valid items are
    applied even when others fail; `dry_run` validates only."""
    result = await batch.upsert(session, payload, actor)
    if not payload.dry_run:
        # One record per batch, with its counts.
        await audit.record(
            session,
            "product.batch_upsert",
            actor=actor,
            target_type="product",
            changes={
                "items": len(payload.items),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "failed": result.failed,
            },
        )
    return model_response(result)


@router.get("/products/{id}", response_model=ProductOut, summary="Get a product")
async def get_product(id: uuid.UUID, session: DbSession, actor: OptionalPrincipal) -> ProductOut:
    return await service.one_out(session, await service.get_product(session, id, actor))


@router.patch("/products/{id}", response_model=ProductOut, summary="Update a product")
async def update_product(
    id: uuid.UUID, payload: ProductUpdate, session: DbSession, actor: Staff
) -> ProductOut:
    before = _audited(await session.get(Product, id))
    out = await service.one_out(session, await service.update_product(session, id, payload))
    changes = audit.diff(before, _audited(out))
    if changes:
        await audit.record(
            session,
            "product.update",
            actor=actor,
            target_type="product",
            target_id=id,
            changes=changes,
        )
    return out


@router.delete("/products/{id}", response_model=ProductDeleted, summary="Delete or archive")
async def delete_product(id: uuid.UUID, session: DbSession, actor: Staff) -> ProductDeleted:
    """Deletes the product, or archives it when orders refer to it."""
    before = _audited(await session.get(Product, id))
    result = await service.delete_product(session, id)
    if result == "archived":
        action = "product.archive"
        changes = audit.diff({"status": before.get("status")}, {"status": "archived"})
    else:
        action, changes = "product.delete", audit.diff(before, {})
    await audit.record(
        session, action, actor=actor, target_type="product", target_id=id, changes=changes
    )
    return ProductDeleted(id=id, result=result)


@router.get("/categories", response_model=Page[CategoryOut], summary="Categories")
async def list_categories(
    session: DbSession, page: PageQuery, actor: OptionalPrincipal
) -> Page[CategoryOut]:
    """Every category with its number of products, by name."""
    return await service.categories(session, actor, page)
