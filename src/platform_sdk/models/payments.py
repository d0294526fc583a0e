from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ._base import PlatformModel


class Payment(PlatformModel):
    """A charge attempt; ``status`` is ``"succeeded"`` or ``"failed"``."""

    id: UUID
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
    payment_id: UUID
    order_id: UUID
    amount: Decimal
    currency: str
    reason: str | None = None
    created_at: datetime
