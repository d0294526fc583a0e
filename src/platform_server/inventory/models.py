from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, utcnow


class StockLevel(Base):
    __tablename__ = "stock_levels"
    __table_args__ = (
        # The database itself refuses an oversell, whatever the code above it does.
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("on_hand >= reserved", name="on_hand_covers_reserved"),
    )

    # No foreign key to products: domains own their tables.
    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    low_stock_threshold: Mapped[int] = mapped_column(default=5)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StockMovement(IdMixin, Base):
    """The ledger: every change of on-hand stock, with who, when and why."""

    __tablename__ = "stock_movements"

    product_id: Mapped[uuid.UUID] = mapped_column(index=True)
    delta: Mapped[int]
    on_hand_after: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))  # initial | adjustment | fulfillment | restock
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[uuid.UUID | None]
    order_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
