"""`platform payments credit-note`: a refund's credit note, as fields or the stored PDF."""

from __future__ import annotations

from platform_cli.commands.orders.invoice import OutFile
from platform_cli.context import columns
from platform_cli.refs import PaymentRef, RefundRef
from platform_cli.verbs import Session, verb

CREDIT_NOTE_COLUMNS = columns(
    "number=number, invoice_number=invoice_number, refund_id=refund_id:id, "
    "order_id=order_id:id, issued_at=issued_at:time, amount=amount, currency=currency, "
    "reason=reason"
)


@verb()
def credit_note(
    session: Session, payment: PaymentRef, refund: RefundRef, out_path: OutFile = None
) -> None:
    """The credit note issued for a refund (e.g. `#1001-P1 #1001-R1`): the stored PDF with
    --out, else its fields (-o json: the JSON). The customer whose order it is, or staff."""
    from platform_cli.refs import refund_ids

    out, refunds = session.out, session.sdk.payments.refunds
    with out.spinner("Fetching…"):
        payment_id, refund_id = refund_ids(session.sdk, payment, refund)
    if out_path is None:
        with out.spinner("Fetching…"):
            note = refunds.credit_note(payment_id, refund_id)
        out.one(note, CREDIT_NOTE_COLUMNS)
        return
    from platform_cli.documents import report, save

    size = save(
        out,
        out_path,
        "the credit note",
        lambda to, progress: refunds.download_credit_note(
            payment_id, refund_id, to, progress=progress
        ),
    )
    report(
        out,
        f"Wrote the credit note of refund {refund} to {out_path} ({size:,} bytes).",
        {"payment_id": payment_id, "refund_id": refund_id, "path": out_path, "bytes": size},
        out_path,
    )
