"""What the verbs of `platform orders` share: columns and option specs."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from platform_cli.context import columns

OrderStatus = Literal[
    "pending", "paid", "fulfilled", "shipped", "delivered", "cancelled", "expired", "refunded"
]


OrderId = Annotated[str, typer.Argument(help="Order id.", show_default=False)]
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code", "region", "country")
ADDRESS_REQUIRED = ("name", "line1", "city", "postal_code", "country")


COLUMNS = columns(
    "ID=id:id, EMAIL=user_email, STATUS=status:status, TOTAL=total, CURRENCY=currency, "
    "CREATED=created_at:time"
)


HISTORY_COLUMNS = columns(
    "FROM=from_status, TO=to_status:status, BY=actor_email, NOTE=note, WHEN=created_at:time"
)


INVOICE_COLUMNS = columns(
    "number=number, order_id=order_id:id, issued_at=issued_at:time, total=total, "
    "currency=currency, amount_paid=amount_paid, amount_refunded=amount_refunded, "
    "payment_status=payment_status:status"
)
