"""`platform payments pay`: charge an order."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from platform_cli.commands.payments.list import COLUMNS, OrderId
from platform_cli.verbs import Session, verb

_CARD_NUMBER = re.compile(r"^[0-9][0-9 -]{11,22}$")


@verb(dry_run=True)
def pay(
    session: Session,
    order_id: OrderId,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            "-m",
            help="A payment provider token, e.g. pm_card_ok (never a card number).",
        ),
    ],
) -> None:
    """Charge the order total; the order becomes paid and its invoice is issued.

    A declined payment prints one line with the decline code and exits with 1; the order
    stays pending, so pay again with another method.
    """
    from platform_cli.errors import CLIError, LocalValidationError

    out = session.out
    if _CARD_NUMBER.match(method.strip()):
        raise LocalValidationError(
            [("body.payment_method", "card numbers are never accepted; use a provider token")]
        )
    from platform_cli.refs import order_id as resolve

    sdk = session.sdk
    order_id = resolve(sdk, order_id)
    if session.dry_run:
        if not 1 <= len(method) <= 100:
            raise LocalValidationError([("body.payment_method", "must be 1-100 characters")])
        with out.spinner("Fetching…"):
            order = sdk.orders.get(order_id)
        if order.status != "pending":
            raise CLIError(f"order {order_id} is {order.status}; only pending orders are paid")
        out.dry_run(
            f"charge order {order_id}",
            request={
                "order_id": order_id,
                "payment_method": method,
                "amount": str(order.total),
                "currency": order.currency,
            },
        )
        return
    from platform_sdk import PaymentRequiredError

    try:
        with out.spinner("Paying…"):
            payment = sdk.orders.payments.create(order_id, payment_method=method)
    except PaymentRequiredError as exc:
        reason = exc.decline_code or "declined"
        message = exc.payment.failure_message if exc.payment is not None else None
        raise CLIError(
            f"payment declined ({reason})"
            + (f": {message.rstrip('.')}" if message else "")
            + f"; order {order_id} is still pending"
        ) from exc
    out.one(payment, COLUMNS)
