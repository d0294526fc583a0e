from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.cache.shared import Lookup, SharedCache
from platform_server.core.access import CatalogStaff as Staff
from platform_server.core.access import OptionalPrincipal
from platform_server.core.container import Slot, services_of
from platform_server.core.database import Database, DatabaseDep, DbSession
from platform_server.core.idempotency import creates
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.principal import Principal
from platform_server.core.responses import model_response
from platform_server.products import batch, service
from platform_server.products.images_router import router as images_router
from platform_server.products.schemas import (
    BatchIn,
    BatchOut,
    CategoryOut,
    ProductCreate,
    ProductDeleted,
    ProductFilters,
    ProductOut,
    ProductUpdate,
)

router = APIRouter(tags=["products"])
# Catalog reads, shared by every process through Redis when configured; writes to
# products or stock invalidate it when they commit (app.py hooks it to the database).
CATALOG_CACHE: Slot[SharedCache] = Slot("catalog cache")


def cache_key(request: Request, actor: Principal | None) -> str:
    """What a caller sees depends only on whether they are staff (who see archived
    products), so that is the only thing about the caller in the key."""
    view = "staff" if service.sees_all(actor) else "public"
    return f"{view} {request.url.path}?{request.url.query}"


async def _cached(
    request: Request,
    db: Database,
    actor: Principal | None,
    query: Callable[[AsyncSession], Awaitable[BaseModel]],
) -> Response:
    """The query's answer, from the catalog cache when there."""

    async def read() -> bytes:
        # Only a cache miss opens a session, and gives its connection back before the
        # response is serialized (on a busy process that takes longer than the query).
        async with db.transaction(write=False) as session:
            found = await query(session)
        return found.model_dump_json().encode()

    cache = services_of(request).get(CATALOG_CACHE)
    if not cache.enabled:
        return Response(await read(), media_type="application/json")
    # A miss already looked up by the fast path (fast_reads.py): not counted twice.
    found: Lookup | None = getattr(request.state, "catalog_lookup", None)
    if found is None:
        found = await cache.lookup(cache_key(request, actor))
    body = found.body if found.body is not None else await cache.fill(found, read)
    return Response(body, media_type="application/json")


@creates(router, "/products", summary="Create a product")
async def create_product(
    payload: ProductCreate, session: DbSession, actor: Staff
) -> ProductOut | Response:
    """Staff only. `stock` sets the initial units on hand."""
    out = await service.create_product(session, payload, actor)
    return out


@router.get("/products", response_model=Page[ProductOut], summary="List and search products")
async def list_products(
    request: Request,
    db: DatabaseDep,
    page: PageQuery,
    actor: OptionalPrincipal,
    filters: Annotated[ProductFilters, Query()],
) -> Response:
    candidates = services_of(request).settings.search_candidates

    def query(session: AsyncSession) -> Awaitable[Page[ProductOut]]:
        return service.list_products(session, page, filters, actor, candidates=candidates)

    return await _cached(request, db, actor, query)


@router.post("/products/batch", response_model=BatchOut, summary="Create or update many")
async def batch_upsert(payload: BatchIn, session: DbSession, actor: Staff) -> Response:
    """Upsert up to 1,000 products by `sku`; one result per item. Valid items are
    applied even when others fail; `dry_run` validates only."""
    return model_response(await batch.upsert(session, payload, actor))


@router.get("/products/{id}", response_model=ProductOut, summary="Get a product")
async def get_product(
    request: Request, id: uuid.UUID, db: DatabaseDep, actor: OptionalPrincipal
) -> Response:
    return await _cached(request, db, actor, lambda s: service.get_product_out(s, id, actor))


@router.patch("/products/{id}", summary="Update a product")
async def update_product(
    id: uuid.UUID, payload: ProductUpdate, session: DbSession, actor: Staff
) -> ProductOut:
    return await service.update_product(session, id, payload, actor)


@router.delete("/products/{id}", summary="Delete or archive")
async def delete_product(id: uuid.UUID, session: DbSession, actor: Staff) -> ProductDeleted:
    """Deletes the product, or archives it when orders refer to it."""
    return ProductDeleted(id=id, result=await service.delete_product(session, id, actor))


@router.get("/categories", response_model=Page[CategoryOut], summary="Categories")
async def list_categories(
    request: Request, db: DatabaseDep, page: PageQuery, actor: OptionalPrincipal
) -> Response:
    """Every category with its number of products, by name."""
    return await _cached(request, db, actor, lambda s: service.categories(s, actor, page))


# After the routes above: `/products/{id}/images…` are matched as their own paths.
router.include_router(images_router)
