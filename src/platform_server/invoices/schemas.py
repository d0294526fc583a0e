from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from platform_server.core.money import MoneyOut
from platform_server.core.schemas import OutputModel, PricedOut
from platform_server.orders.api import OrderItemOut
from platform_server.payments.api import RefundOut


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


class CreditNoteOut(PricedOut):
    """A refund's credit note, as issued (it never changes afterwards)."""

    MONEY = ("amount",)

    id: uuid.UUID
    number: str
    invoice_number: str
    refund_id: uuid.UUID
    payment_id: uuid.UUID
    order_id: uuid.UUID
    order_number: int = Field(description="The order's number, shown as `#1001`")
    issued_at: datetime
    seller: Party
    buyer: Party
    amount: MoneyOut
    currency: str
    reason: str | None


class RefundListed(RefundOut):
    """A refund as its payment lists it, with the credit note issued for it."""

    credit_note_number: str | None = Field(
        description="Its credit note (`CN-000001`); null only while none was issued"
    )
