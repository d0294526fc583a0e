from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, Money, utcnow


class Payment(IdMixin, Base):
    __tablename__ = "payments"

    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    # What people quote: "#1001-P1", order #1001's first attempt (service.next_reference).
    reference: Mapped[str | None] = mapped_column(String(40), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(20))  # succeeded | failed
    payment_method: Mapped[str] = mapped_column(String(100))
    gateway: Mapped[str] = mapped_column(String(50))
    gateway_reference: Mapped[str | None] = mapped_column(String(255))
    failure_code: Mapped[str | None] = mapped_column(String(100))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    refunded_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Refund(IdMixin, Base):
    __tablename__ = "refunds"

    payment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # "#1001-R1": order #1001's first refund, whichever payment it returns.
    reference: Mapped[str | None] = mapped_column(String(40), unique=True, index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str | None] = mapped_column(String(500))
    gateway_reference: Mapped[str | None] = mapped_column(String(255))
    actor_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
