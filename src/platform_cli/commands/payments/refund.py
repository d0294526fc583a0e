"""`platform payments refund`."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from platform_cli.commands.payments.list import REFUND_COLUMNS, PaymentId
from platform_cli.context import check_fields, confirm, parse_money
from platform_cli.errors import CLIError
from platform_cli.params import opt
from platform_cli.verbs import Session, verb


@verb(yes=True, dry_run=True)
def refund(
    session: Session,
    payment_id: PaymentId,
    amount: Annotated[
        Decimal | None,
        opt(parser=parse_money, help="How much, e.g. 5.00 (default: all not yet refunded)."),
    ] = None,
    reason: Annotated[str | None, opt(help="Why (on the refund record).")] = None,
) -> None:
    """Refund a payment (staff), in part or in full; a full refund marks the order refunded."""
    out = session.out
    errors = []
    if amount is not None and amount <= 0:
        errors.append(("body.amount", "must be more than 0"))
    if reason is not None and len(reason) > 500:
        errors.append(("body.reason", "at most 500 characters"))
    if session.dry_run:
        check_fields(errors)
    sdk = session.sdk
    from platform_cli.refs import payment_id as resolve

    with out.spinner("Fetching the payment…"):
        payment = sdk.payments.get(resolve(sdk, payment_id))  # 404 (exit 5) if unknown
    payment_id, name = str(payment.id), payment.reference or str(payment.id)
    left = payment.amount - payment.refunded_amount
    if left <= 0 and payment.status == "succeeded":
        raise CLIError(
            f"payment {name} is already refunded in full "
            f"({payment.refunded_amount} {payment.currency}); there is nothing left to refund"
        )
    what = (
        f"refund {amount} {payment.currency} of payment {name}"
        if amount
        else f"refund all {left} {payment.currency} not yet refunded of payment {name}"
    )
    if session.dry_run:
        out.dry_run(
            what,
            request={
                "payment_id": payment_id,
                "amount": str(amount) if amount is not None else None,
                "currency": payment.currency,
                "reason": reason,
            },
        )
        return
    confirm(what, yes=session.yes)
    with out.spinner("Refunding…"):
        created = sdk.payments.refunds.create(payment_id, amount=amount, reason=reason)
    out.one(created, REFUND_COLUMNS)
