from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import model_validator

from platform_server.core.money import MoneyOut, quantize
from platform_server.core.schemas import OutputModel
from platform_server.orders.api import OrderItemOut


class Party(OutputModel):
    name: str
    email: str | None = None
    address: str | None = None


class InvoiceOut(OutputModel):
    id: uuid.UUID
    number: str
    order_id: uuid.UUID
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

    @model_validator(mode="after")
    def _minor_units(self) -> InvoiceOut:
        for field in ("total", "amount_paid", "amount_refunded"):
            setattr(self, field, quantize(getattr(self, field), self.currency))
        for line in self.lines:
            line.price = quantize(line.price, self.currency)
            line.subtotal = quantize(line.subtotal, self.currency)
        return self
