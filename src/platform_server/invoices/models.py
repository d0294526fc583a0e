from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.database import Base, IdMixin, Money, utcnow


class Invoice(IdMixin, Base):
    __tablename__ = "invoices"

    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    number: Mapped[int] = mapped_column(unique=True)
    buyer_email: Mapped[str] = mapped_column(String(255))
    # The account's name when the invoice was issued (None: issued before 0015).
    buyer_name: Mapped[str | None] = mapped_column(String(255), default=None)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The stored documents, written once (service.freeze); None until then.
    pdf_key: Mapped[str | None] = mapped_column(String(200), default=None)
    json_key: Mapped[str | None] = mapped_column(String(200), default=None)


class CreditNote(IdMixin, Base):
    """A refund's credit note: what was given back, against which invoice."""

    __tablename__ = "credit_notes"

    refund_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    invoice_id: Mapped[uuid.UUID]
    number: Mapped[int] = mapped_column(unique=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    pdf_key: Mapped[str | None] = mapped_column(String(200), default=None)
    json_key: Mapped[str | None] = mapped_column(String(200), default=None)


class InvoiceSequence(Base):
    """One row per sequence (1: invoices, 2: credit notes); incremented in place, so
    concurrent payments never share a number."""

    __tablename__ = "invoice_sequence"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
