from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from platform_server.core.money import MoneyOut
from platform_server.core.schemas import OutputModel, PricedOut
from platform_server.orders.api import OrderItemOut


class Party(OutputModel):
    name: str
    email: str | None = None
    address: str | None = None


class InvoiceOut(PricedOut):
    MONEY = ("total", "amount_paid", "amount_refunded")
    ITEMS = "lines"

    id: uuid.UUID
    number: str
    order_id: uuid.UUID
    order_number: int = Field(description="The order's number, shown as `#1001`")
    issued_at: datetime
    seller: Party
    buyer: Party
    shipping_address: dict[str, Any] | None
    lines: list[OrderItemOut]
    total: MoneyOut
    currency: str
    amount_paid: MoneyOut
    amount_refunded: MoneyOut
    payment_status: Literal["paid", "partially_refunded", "refunded"]
