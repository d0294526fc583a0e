"""Orders: fulfillment (import: ship paid orders with a carrier and tracking number)
and the orders export (each order with its items, by status and date)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.bulk.kinds import (
    JobContext,
    Row,
    RowOutcome,
    register,
)
from platform_server.bulk.rows import OUTCOMES, CheckedImport, PagedExport
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import Permission
from platform_server.orders import api as orders

Text100 = Annotated[str, Field(min_length=1, max_length=100)]


class ShipmentRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    order_id: uuid.UUID
    carrier: Text100
    tracking_number: Text100


class FulfillmentImport(CheckedImport):
    """`order_id,carrier,tracking_number`: each paid order is fulfilled (its stock
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
        seen: dict[uuid.UUID, int] = {}
        for row in rows:
            order_id = row.data["order_id"]
            if order_id in seen:
                error = f"order repeated (row {seen[order_id]} has it)"
                outcomes.append(RowOutcome(row.number, str(order_id), "failed", error))
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
            outcomes.append(RowOutcome(row.number, str(order_id), outcome, result.error))
        return outcomes


class OrderExportFilters(orders.OrderFilters):
    """`GET /orders`' filters: status, placed after / before, user, q."""

    model_config = ConfigDict(extra="forbid")


COLUMNS = (
    "id",
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
