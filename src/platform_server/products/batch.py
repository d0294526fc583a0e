"""Upsert many products by SKU in one request (bulk import from the CLI)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.errors import Conflict
from platform_server.core.money import quantize
from platform_server.core.principal import Principal
from platform_server.products import repository, service
from platform_server.products.models import Product
from platform_server.products.schemas import (
    BatchIn,
    BatchItemResult,
    BatchOut,
    ProductCreate,
    ProductUpdate,
)

# Set only when a product is created: re-importing a file must not reset live stock.
_CREATE_ONLY = {"stock", "low_stock_threshold"}


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"]} for e in exc.errors()]


async def upsert(session: AsyncSession, payload: BatchIn, actor: Principal) -> BatchOut:
    # Matched as the schemas store them (whitespace stripped), or " A-1" would miss "A-1".
    skus = [_sku(item) for item in payload.items]
    existing = await repository.by_sku(session, [s for s in skus if s])
    known = None if payload.create_categories else await _known(session, payload.items)
    seen: set[str] = set()
    results: list[BatchItemResult] = []
    new: list[ProductCreate] = []
    for index, (item, sku) in enumerate(zip(payload.items, skus, strict=True)):
        if sku is not None and sku in seen:
            results.append(_failed(index, sku, [{"loc": ["sku"], "msg": "repeated in this batch"}]))
            continue
        if sku is not None:
            seen.add(sku)
        product = existing.get(sku) if sku else None
        category = _category(item)
        if known is not None and category is not None and category not in known:
            message = f"unknown category {category!r} (create_categories allows new ones)"
            results.append(_failed(index, sku, [{"loc": ["category"], "msg": message}]))
            continue
        try:
            if product is None:
                result = _create(index, item, payload.dry_run, new)
            else:
                result = _update(index, product, item, payload.dry_run)
        except ValidationError as exc:
            result = _failed(index, sku, _errors(exc))
        results.append(result)
    await repository.flush(session)  # the updates
    updated = [existing[r.sku] for r in results if r.result == "updated" and r.sku]
    await service.announce_updated(session, updated)
    # New products go in as multi-row inserts: ORM objects cost ~10x more per row.
    try:
        ids = iter(await service.insert_many(session, new, actor))
    except IntegrityError as exc:
        raise Conflict(
            "Another request created some of these SKUs at the same time; retry the batch."
        ) from exc
    for result in results:
        if result.result == "created":
            result.id = next(ids)
    counts = {kind: sum(r.result == kind for r in results) for kind in ("created", "updated")}
    out = BatchOut(
        created=counts["created"],
        updated=counts["updated"],
        unchanged=sum(r.result == "unchanged" for r in results),
        failed=sum(r.result == "error" for r in results),
        results=results,
    )
    if not payload.dry_run:
        # One record per batch, with its counts.
        changes = out.model_dump(include={"created", "updated", "unchanged", "failed"})
        counts = {"items": len(payload.items), **changes}
        await service.audit_product(session, "product.batch_upsert", actor, None, counts)
    return out


def _category(item: dict[str, Any]) -> str | None:
    category = item.get("category")
    return category.strip() or None if isinstance(category, str) else None


async def _known(session: AsyncSession, items: list[dict[str, Any]]) -> set[str]:
    named = {c for c in map(_category, items) if c is not None}
    return await repository.known_categories(session, sorted(named))


def _sku(item: dict[str, Any]) -> str | None:
    sku = item.get("sku")
    return sku.strip() or None if isinstance(sku, str) else None


def _failed(index: int, sku: str | None, errors: list[dict[str, Any]]) -> BatchItemResult:
    return BatchItemResult(index=index, sku=sku, result="error", errors=errors)


def _create(
    index: int, item: dict[str, Any], dry_run: bool, new: list[ProductCreate]
) -> BatchItemResult:
    data = ProductCreate.model_validate(item)
    if dry_run:
        return BatchItemResult(index=index, sku=data.sku, result="valid")
    new.append(data)
    return BatchItemResult(index=index, sku=data.sku, result="created")


def _update(index: int, product: Product, item: dict[str, Any], dry_run: bool) -> BatchItemResult:
    fields = {k: v for k, v in item.items() if k not in _CREATE_ONLY}
    data = ProductUpdate.model_validate(fields)
    changes = data.model_dump(exclude_unset=True)
    nulls = [k for k, v in changes.items() if v is None]
    if nulls:  # as PATCH refuses them; the columns are NOT NULL
        return _failed(index, product.sku, [{"loc": [k], "msg": "may not be null"} for k in nulls])
    if "price" in changes or "currency" in changes:  # as PATCH does: a new currency re-rounds
        price = changes.get("price", product.price)
        changes["price"] = quantize(price, changes.get("currency", product.currency))
    changed = {k: v for k, v in changes.items() if getattr(product, k) != v}
    if not changed:
        return BatchItemResult(index=index, sku=product.sku, result="unchanged", id=product.id)
    if dry_run:
        return BatchItemResult(index=index, sku=product.sku, result="valid", id=product.id)
    for field, value in changed.items():
        setattr(product, field, value)
    return BatchItemResult(index=index, sku=product.sku, result="updated", id=product.id)
