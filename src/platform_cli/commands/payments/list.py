"""`platform payments list`, and the columns of payments and refunds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from platform_cli.context import columns
from platform_cli.refs import OrderRef, PaymentRef
from platform_cli.verbs import listing, showing

if TYPE_CHECKING:
    from platform_sdk import Client

OrderId = OrderRef  # #1001, an id, or an id prefix
PaymentId = PaymentRef  # #1001-P1 or an id


# The reference (#1001-P1: order #1001's first attempt) is what people quote; the id is
# what the other commands take.
COLUMNS = columns(
    "PAYMENT=reference, ID=id:id, STATUS=status:status, AMOUNT=amount, CURRENCY=currency, "
    "METHOD=payment_method, REFUNDED=refunded_amount, FAILURE=failure_code, "
    "CREATED=created_at:time"
)


REFUND_COLUMNS = columns(
    "REFUND=reference, ID=id:id, PAYMENT=payment_id:id, AMOUNT=amount, CURRENCY=currency, "
    "REASON=reason, CREATED=created_at:time"
)

LISTED_REFUND_COLUMNS = columns(
    "REFUND=reference, ID=id:id, AMOUNT=amount, CURRENCY=currency, REASON=reason, "
    "CREDIT NOTE=credit_note_number, CREATED=created_at:time"
)


@listing(COLUMNS, empty="No payments.")
def list_payments(sdk: Client, size: int, order_id: OrderId) -> Iterable[Any]:
    """Every payment attempt of an order, failed ones included."""
    from platform_cli.refs import order_id as resolve

    return sdk.orders.payments.list(resolve(sdk, order_id), limit=size)


@showing(COLUMNS)
def get(sdk: Client, payment_id: PaymentId) -> Any:
    """Show one payment: amount, currency, what was refunded."""
    from platform_cli.refs import payment_id as resolve

    return sdk.payments.get(resolve(sdk, payment_id))


@listing(LISTED_REFUND_COLUMNS, empty="No refunds.")
def list_refunds(sdk: Client, size: int, payment_id: PaymentId) -> Iterable[Any]:
    """A payment's refunds, newest first, a cancellation's included, each with its credit
    note number (fetch it with `platform payments credit-note PAYMENT REFUND`)."""
    from platform_cli.refs import payment_id as resolve

    return sdk.payments.refunds.list(resolve(sdk, payment_id), limit=size)
