from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, utcnow


class Invoice(IdMixin, Base):
    __tablename__ = "invoices"

    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    number: Mapped[int] = mapped_column(unique=True)
    buyer_email: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class InvoiceSequence(Base):
    """One row; incremented in place, so concurrent payments never share a number."""

    __tablename__ = "invoice_sequence"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
