from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from platform_server.core.money import MoneyOut
from platform_server.core.schemas import IdPrefix, InputModel, Instant, OutputModel, PricedOut

OrderStatus = Literal[
    "pending", "paid", "fulfilled", "shipped", "delivered", "cancelled", "expired", "refunded"
]
Text100 = Annotated[str, Field(min_length=1, max_length=100)]
Text200 = Annotated[str, Field(min_length=1, max_length=200)]


class OrderItemIn(InputModel):
    product_id: uuid.UUID
    quantity: Annotated[int, Field(ge=1, le=10_000)]
    price: Any = Field(None, description="Ignored: prices always come from the catalog")


class ShippingAddress(InputModel):
    name: Text200
    line1: Text200
    line2: Annotated[str, Field(max_length=200)] | None = None
    city: Text100
    postal_code: Annotated[str, Field(min_length=1, max_length=20)]
    region: Annotated[str, Field(max_length=100)] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]


class OrderCreate(InputModel):
    items: Annotated[list[OrderItemIn], Field(min_length=1, max_length=100)]
    shipping_address: ShippingAddress | None = None


class ShipIn(InputModel):
    carrier: Text100
    tracking_number: Text100


class TransitionNote(InputModel):
    note: Annotated[str, Field(max_length=500)] | None = None


class OrderItemOut(OutputModel):
    product_id: uuid.UUID
    sku: str
    name: str
    quantity: int
    price: MoneyOut
    subtotal: MoneyOut


class OrderOut(PricedOut):
    MONEY = ("total",)
    ITEMS = "items"

    id: uuid.UUID
    number: int = Field(description="The order's number for people, shown as `#1001`")
    user_id: uuid.UUID
    user_email: str
    status: OrderStatus
    items: list[OrderItemOut]
    total: MoneyOut
    currency: str
    shipping_address: dict[str, Any] | None
    carrier: str | None
    tracking_number: str | None
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class OrderTransitionOut(OutputModel):
    id: uuid.UUID
    order_id: uuid.UUID
    from_status: OrderStatus | None
    to_status: OrderStatus
    actor_id: uuid.UUID | None
    actor_email: str | None = Field(
        None, description="Who made the change (null: the system, or a user since deleted)"
    )
    note: str | None
    created_at: datetime


class OrderFilters(BaseModel):
    """The query of `GET /orders`: every filter is optional."""

    status: OrderStatus | None = None
    number: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = Field(
        None, description="The order's number (`1001` for `#1001`)"
    )
    id_prefix: IdPrefix | None = None
    user_id: uuid.UUID | None = Field(None, description="Staff only")
    created_after: Instant | None = None
    created_before: Instant | None = None
    q: str | None = Field(None, max_length=255, description="Order id or email")
