"""Products: import (upsert by SKU, the rules of `POST /products/batch`) and export."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.bulk.kinds import (
    ExportKind,
    ImportKind,
    JobContext,
    Outcome,
    Row,
    RowOutcome,
    RowRejected,
    register,
)
from platform_server.core.database import Database
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.products import api as products

FIELDS = (
    "sku",
    "name",
    "description",
    "price",
    "currency",
    "category",
    "stock",
    "low_stock_threshold",
    "status",
)
_INTS = frozenset({"stock", "low_stock_threshold"})
ATTR = "attr."
_OUTCOMES: dict[str, Outcome] = {
    "created": "created",
    "updated": "updated",
    "unchanged": "unchanged",
    "valid": "valid",
    "error": "failed",
}
EXPORT_PAGE = 1000


def _json_numbers(value: Any) -> Any:
    """JSONL numbers arrive as Decimal (a price keeps its digits); an attribute's go back
    to float, as JSON stores them."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _json_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_numbers(v) for v in value]
    return value


def _dry(existing: bool) -> Outcome:
    # A dry run's report says what the import would do, as `products import` always did.
    return "updated" if existing else "created"


def _int_cell(text: str) -> int | str:
    try:
        return int(text.strip())
    except ValueError:
        return text  # the rules name the field and say why


class ProductsImport(ImportKind):
    name = "products"
    columns = (*FIELDS, "attributes")
    column_prefixes = (ATTR,)
    required = ("sku",)
    key = "sku"
    permission = Permission.CATALOG_WRITE

    def validate_row(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """A CSV row as the CLI always sent it: an empty cell leaves the field out,
        `attributes` is a JSON object, `attr.<name>` columns are string attributes."""
        item: dict[str, Any] = {}
        attributes: dict[str, Any] | None = None
        for name, value in raw.items():
            if isinstance(value, str) and name != "attributes" and value.strip() == "":
                continue
            if name.startswith(ATTR):
                attributes = attributes if attributes is not None else {}
                attributes[name[len(ATTR) :]] = value
            elif name == "attributes" and isinstance(value, str):
                if not value.strip():
                    continue
                try:
                    parsed = json.loads(value)
                except ValueError as exc:
                    raise RowRejected(f"attributes: not JSON: {exc}") from None
                if not isinstance(parsed, dict):
                    raise RowRejected("attributes: must be a JSON object")
                attributes = {**parsed, **(attributes or {})}
            elif name in _INTS and isinstance(value, str):
                item[name] = _int_cell(value)
            else:
                item[name] = value
        if attributes is not None:
            item["attributes"] = attributes
        if "attributes" in item:
            item["attributes"] = _json_numbers(item["attributes"])
        return item

    async def apply_chunk(
        self, session: AsyncSession, rows: Sequence[Row], ctx: JobContext
    ) -> list[RowOutcome]:
        items = [row.data for row in rows]
        results = await products.upsert_by_sku(
            session,
            items,
            ctx.actor,
            dry_run=ctx.dry_run,
            create_categories=bool(ctx.options.get("create_categories")),
        )
        return [
            RowOutcome(
                rows[r.index].number,
                r.sku,
                _dry(r.existing) if r.result == "valid" else _OUTCOMES[r.result],
                "; ".join(f"{field}: {msg}" for field, msg in r.errors) or None,
            )
            for r in results
        ]


class ProductFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["active", "archived"] | None = Field(None, description="Only this status")
    category: str | None = Field(None, max_length=100, description="Only this category")


class ProductsExport(ExportKind):
    name = "products"
    columns = (*FIELDS, "attributes")
    filters = ProductFilters
    permission = Permission.CATALOG_WRITE

    async def rows(
        self, db: Database, filters: BaseModel, actor: Principal
    ) -> AsyncIterator[Mapping[str, Any]]:
        assert isinstance(filters, ProductFilters)
        after: str | None = None
        while True:
            # A short read per page: an export never holds a transaction open for long.
            async with db.lookups() as session:
                page = await products.export_page(
                    session, after, EXPORT_PAGE, status=filters.status, category=filters.category
                )
            for p in page:
                yield {
                    "sku": p.sku,
                    "name": p.name,
                    "description": p.description,
                    "price": str(p.price),
                    "currency": p.currency,
                    "category": p.category,
                    "stock": p.stock,
                    "low_stock_threshold": p.low_stock_threshold,
                    "status": p.status,
                    "attributes": p.attributes,
                }
            if len(page) < EXPORT_PAGE:
                return
            after = page[-1].sku


register(ProductsImport())
register(ProductsExport())
