"""`platform payments list`, and the columns of payments and refunds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from platform_cli.context import columns
from platform_cli.refs import OrderRef
from platform_cli.verbs import listing

if TYPE_CHECKING:
    from platform_sdk import Client

OrderId = OrderRef  # #1001, an id, or an id prefix


COLUMNS = columns(
    "ID=id:id, ORDER=order_id:id, STATUS=status:status, AMOUNT=amount, CURRENCY=currency, "
    "METHOD=payment_method, REFUNDED=refunded_amount, FAILURE=failure_code, "
    "CREATED=created_at:time"
)


REFUND_COLUMNS = columns(
    "ID=id:id, PAYMENT=payment_id:id, ORDER=order_id:id, AMOUNT=amount, CURRENCY=currency, "
    "REASON=reason, CREATED=created_at:time"
)


@listing(COLUMNS, empty="No payments.")
def list_payments(sdk: Client, size: int, order_id: OrderId) -> Iterable[Any]:
    """Every payment attempt of an order, failed ones included."""
    from platform_cli.refs import order_id as resolve

    return sdk.orders.payments.list(resolve(sdk, order_id), limit=size)
