from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ._base import PlatformModel


class OrderItem(PlatformModel):
    product_id: UUID
    sku: str
    name: str
    quantity: int
    price: Decimal
    subtotal: Decimal


class Order(PlatformModel):
    """``status``: pending, paid, fulfilled, shipped, delivered, cancelled, expired, refunded."""

    id: UUID
    number: int
    """The order's number for people, shown as ``#1001``."""
    user_id: UUID
    user_email: str
    status: str
    items: list[OrderItem]
    total: Decimal
    currency: str
    shipping_address: dict[str, Any] | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    expires_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class OrderTransition(PlatformModel):
    """One status change of an order; ``from_status`` is ``None`` for the first."""

    id: UUID
    order_id: UUID
    from_status: str | None = None
    to_status: str
    actor_id: UUID | None = None
    actor_email: str | None = None
    """Who made the change; ``None`` for the system (or a user since deleted)."""
    note: str | None = None
    created_at: datetime
