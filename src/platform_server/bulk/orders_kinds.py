"""Orders: fulfillment (import: ship paid orders with a carrier and tracking number)
and the orders export (each order with its items, by status and date)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.bulk.kinds import JobContext, Row, RowOutcome, register
from platform_server.bulk.rows import OUTCOMES, CheckedImport, PagedExport
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import Permission
from platform_server.orders import api as orders

Text100 = Annotated[str, Field(min_length=1, max_length=100)]


class ShipmentRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # An order's id, or its number as people quote it (`#1001`, or `1001`).
    order_id: uuid.UUID | Annotated[int, Field(ge=1, le=2**63 - 1)]
    carrier: Text100
    tracking_number: Text100

    @field_validator("order_id", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lstrip("#").isdigit():
            return int(value.strip().lstrip("#"))
        return value


def _named(order: uuid.UUID | int) -> str:
    return f"#{order}" if isinstance(order, int) else str(order)


class FulfillmentImport(CheckedImport):
    """`order_id,carrier,tracking_number` (`order_id`: the id or `#number`): each paid
    order is fulfilled (its stock
    leaves the warehouse) and shipped; one shipped already with the same carrier and
    tracking number is unchanged, so a warehouse may send its file twice."""

    name = "fulfillment"
    columns = ("order_id", "carrier", "tracking_number")
    required = columns
    key = "order_id"
    permission = Permission.ORDERS_MANAGE
    row_model = ShipmentRow

    async def apply_chunk(
        self, session: AsyncSession, rows: Sequence[Row], ctx: JobContext
    ) -> list[RowOutcome]:
        outcomes = []
        numbers = [r.data["order_id"] for r in rows if isinstance(r.data["order_id"], int)]
        ids = await orders.ids_by_number(session, numbers)
        seen: dict[uuid.UUID, int] = {}
        for row in rows:
            given = row.data["order_id"]
            order_id = ids.get(given) if isinstance(given, int) else given
            if order_id is None:
                error = f"Order {_named(given)} does not exist."
                outcomes.append(RowOutcome(row.number, _named(given), "failed", error))
                continue
            if order_id in seen:
                error = f"order repeated (row {seen[order_id]} has it)"
                outcomes.append(RowOutcome(row.number, _named(given), "failed", error))
                continue
            seen[order_id] = row.number
            result = await orders.ship_paid(
                session,
                order_id,
                row.data["carrier"],
                row.data["tracking_number"],
                ctx.actor,
                dry_run=ctx.dry_run,
            )
            outcome = OUTCOMES[result.outcome]
            outcomes.append(RowOutcome(row.number, _named(given), outcome, result.error))
        return outcomes


class OrderExportFilters(orders.OrderFilters):
    """`GET /orders`' filters: status, placed after / before, user, q."""

    model_config = ConfigDict(extra="forbid")


COLUMNS = (
    "id",
    "number",
    "status",
    "user_id",
    "user_email",
    "total",
    "currency",
    "carrier",
    "tracking_number",
    "shipping_address",
    "items",
    "created_at",
    "updated_at",
)


class OrdersExport(PagedExport):
    """Every order (oldest first) with its items: in JSONL a list of objects, in CSV
    that list as JSON text in one cell (an order stays one row)."""

    name = "orders"
    columns = COLUMNS
    filters = OrderExportFilters
    permission = Permission.ORDERS_MANAGE

    async def page(
        self, session: AsyncSession, filters: Any, page: PageParams
    ) -> Page[orders.OrderOut]:
        return await orders.export_page(session, filters, page)


register(FulfillmentImport())
register(OrdersExport())
