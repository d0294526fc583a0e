"""`platform payments …`: ``client.orders.payments`` and ``client.payments.refunds``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

import typer

from platform_cli.actions import list_page, show_one
from platform_cli.context import (
    AllOption,
    Column,
    DryRunOption,
    LimitOption,
    OutputOption,
    YesOption,
    check_fields,
    client,
    confirm,
    output,
    parse_money,
)

app = typer.Typer(help="Pay orders, list their payments, refund them.", no_args_is_help=True)

OrderId = Annotated[str, typer.Argument(help="Order id.", show_default=False)]
_CARD_NUMBER = re.compile(r"^[0-9][0-9 -]{11,22}$")


COLUMNS = [
    Column("ID", "id", "id"),
    Column("ORDER", "order_id", "id"),
    Column("STATUS", "status", "status"),
    Column("AMOUNT", "amount"),
    Column("CURRENCY", "currency"),
    Column("METHOD", "payment_method"),
    Column("REFUNDED", "refunded_amount"),
    Column("FAILURE", "failure_code"),
    Column("CREATED", "created_at", "time"),
]


REFUND_COLUMNS = [
    Column("ID", "id", "id"),
    Column("PAYMENT", "payment_id", "id"),
    Column("ORDER", "order_id", "id"),
    Column("AMOUNT", "amount"),
    Column("CURRENCY", "currency"),
    Column("REASON", "reason"),
    Column("CREATED", "created_at", "time"),
]


@app.command("pay")
def pay(
    ctx: typer.Context,
    order_id: OrderId,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            "-m",
            help="A payment provider token, e.g. pm_card_ok (never a card number).",
        ),
    ],
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Charge the order total; the order becomes paid and its invoice is issued.

    A declined payment prints one line with the decline code and exits with 1; the order
    stays pending, so pay again with another method.
    """
    from platform_cli.errors import CLIError, LocalValidationError

    out = output(ctx, fmt)
    if _CARD_NUMBER.match(method.strip()):
        raise LocalValidationError(
            [("body.payment_method", "card numbers are never accepted; use a provider token")]
        )
    with client(ctx) as sdk:
        if dry_run:
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


@app.command("list")
def list_payments(
    ctx: typer.Context,
    order_id: OrderId,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """Every payment attempt of an order, failed ones included."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.orders.payments.list(order_id, limit=size),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No payments.",
    )


@app.command("refund")
def refund(
    ctx: typer.Context,
    payment_id: Annotated[str, typer.Argument(help="Payment id.", show_default=False)],
    amount: Annotated[
        Decimal | None,
        typer.Option(
            parser=parse_money,
            help="How much, e.g. 5.00 (default: all not yet refunded).",
            show_default=False,
        ),
    ] = None,
    reason: Annotated[
        str | None, typer.Option(help="Why (on the refund record).", show_default=False)
    ] = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Refund a payment (staff), in part or in full; a full refund marks the order refunded."""
    out = output(ctx, fmt)
    errors = []
    if amount is not None and amount <= 0:
        errors.append(("body.amount", "must be more than 0"))
    if reason is not None and len(reason) > 500:
        errors.append(("body.reason", "at most 500 characters"))
    what = f"refund {amount} of payment {payment_id}" if amount else f"refund payment {payment_id}"
    if dry_run:
        check_fields(errors)
        out.dry_run(
            what + ("" if amount else " (all not yet refunded)"),
            request={
                "payment_id": payment_id,
                "amount": str(amount) if amount is not None else None,
                "reason": reason,
            },
        )
        return
    confirm(what, yes=yes)
    show_one(
        ctx,
        out,
        lambda sdk: sdk.payments.refunds.create(payment_id, amount=amount, reason=reason),
        REFUND_COLUMNS,
        spinner="Refunding…",
    )
