from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ._base import PlatformModel


class Payment(PlatformModel):
    """A charge attempt; ``status`` is ``"succeeded"`` or ``"failed"``."""

    id: UUID
    reference: str | None = None
    """What people quote: ``#1001-P1`` is order #1001's first payment attempt."""
    order_id: UUID
    amount: Decimal
    currency: str
    status: str
    payment_method: str
    gateway: str
    failure_code: str | None = None
    failure_message: str | None = None
    refunded_amount: Decimal
    created_at: datetime


class Refund(PlatformModel):
    id: UUID
    reference: str | None = None
    """What people quote: ``#1001-R1`` is order #1001's first refund."""
    payment_id: UUID
    order_id: UUID
    amount: Decimal
    currency: str
    reason: str | None = None
    created_at: datetime


class RefundListed(Refund):
    """A refund as its payment lists it (``payments.refunds.list``), with its credit note."""

    credit_note_number: str | None = None
    """``CN-000001``: fetch it with ``payments.refunds.credit_note``."""
