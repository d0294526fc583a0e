from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, Money, TimestampMixin, utcnow


class Order(IdMixin, TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        # The lists walk these newest first, keyset on (created_at, id) (migration 0011):
        # a customer's orders, and staff's by status, read a page's rows and no more.
        Index("ix_orders_user_id_created_at", "user_id", "created_at", "id"),
        Index("ix_orders_status_created_at", "status", "created_at", "id"),
    )

    # The number people quote ("#1001"): from the `order_numbers` sequence on PostgreSQL,
    # the next after the highest on SQLite (`repository.next_order_number`).
    number: Mapped[int] = mapped_column(BigInteger, unique=True)
    user_id: Mapped[uuid.UUID]
    user_email: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    total: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    # A pending order holds its stock until then; afterwards it expires.
    expires_at: Mapped[datetime | None] = mapped_column(index=True)


class OrderItem(IdMixin, Base):
    __tablename__ = "order_items"

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    quantity: Mapped[int]
    price: Mapped[Decimal] = mapped_column(Money)
    subtotal: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(default=0)


class OrderTransition(IdMixin, Base):
    """Every status change, with who made it and when."""

    __tablename__ = "order_history"

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[uuid.UUID | None]
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
