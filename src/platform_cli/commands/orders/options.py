"""What the verbs of `platform orders` share: columns and option specs."""

from __future__ import annotations

from typing import Literal

from platform_cli.context import columns
from platform_cli.refs import OrderRef

OrderStatus = Literal[
    "pending", "paid", "fulfilled", "shipped", "delivered", "cancelled", "expired", "refunded"
]


OrderId = OrderRef  # #1001, an id, or an id prefix
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code", "region", "country")
ADDRESS_REQUIRED = ("name", "line1", "city", "postal_code", "country")


COLUMNS = columns(
    "NUMBER=number:ref, ID=id:id, EMAIL=user_email, STATUS=status:status, TOTAL=total, "
    "CURRENCY=currency, CREATED=created_at:time"
)


HISTORY_COLUMNS = columns(
    "FROM=from_status, TO=to_status:status, BY=actor_email, NOTE=note, WHEN=created_at:time"
)


INVOICE_COLUMNS = columns(
    "number=number, order=order_number:ref, order_id=order_id:id, issued_at=issued_at:time, "
    "total=total, currency=currency, amount_paid=amount_paid, amount_refunded=amount_refunded, "
    "payment_status=payment_status:status"
)
