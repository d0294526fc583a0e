from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from platform_server.core.hooks import Hook

# handler(session, order_id, buyer_email): an order was paid (invoices issue one).
order_paid = Hook("order_paid")


@dataclass(frozen=True)
class Refunded:
    """A refund just recorded, in the transaction that recorded it."""

    id: uuid.UUID
    payment_id: uuid.UUID
    order_id: uuid.UUID
    amount: Decimal
    currency: str
    reason: str | None
    created_at: datetime


# handler(session, refund: Refunded): money went back (invoices issue a credit note).
refunded = Hook("refunded")
