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
    """``payment_status``: paid, partially_refunded or refunded."""

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
