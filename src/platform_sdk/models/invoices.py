from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ._base import PlatformModel
from .orders import OrderItem


class Party(PlatformModel):
    """Seller or buyer named on an invoice."""

    name: str
    email: str | None = None
    address: str | None = None


class Invoice(PlatformModel):
    """As issued when the order was paid; it never changes (refunds get credit notes).
    ``payment_status`` is ``paid``; ``partially_refunded`` or ``refunded`` only on an
    invoice issued before invoices were stored and first read after a refund."""

    id: UUID
    number: str
    order_id: UUID
    order_number: int
    """The order's number, shown as ``#1001``."""
    issued_at: datetime
    seller: Party
    buyer: Party
    shipping_address: dict[str, Any] | None = None
    lines: list[OrderItem]
    total: Decimal
    currency: str
    amount_paid: Decimal
    amount_refunded: Decimal
    payment_status: str


class CreditNote(PlatformModel):
    """A refund's credit note, numbered in its own sequence (``CN-000001``)."""

    id: UUID
    number: str
    invoice_number: str
    refund_id: UUID
    payment_id: UUID
    order_id: UUID
    order_number: int
    issued_at: datetime
    seller: Party
    buyer: Party
    amount: Decimal
    currency: str
    reason: str | None = None
