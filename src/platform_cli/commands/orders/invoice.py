"""`platform orders invoice`: the invoice of a paid order, as fields or the stored PDF."""

from __future__ import annotations

from typing import Annotated

from platform_cli.commands.orders.options import INVOICE_COLUMNS, OrderId
from platform_cli.params import opt
from platform_cli.verbs import Session, verb

OutFile = Annotated[str | None, opt("--out", help="Write the PDF to this file (- for stdout).")]


@verb()
def invoice(session: Session, order_id: OrderId, out_path: OutFile = None) -> None:
    """The invoice of a paid order: the stored PDF with --out (the same bytes every
    time), else its fields (-o json: the JSON)."""
    from platform_cli.refs import order_id as resolve

    out, sdk = session.out, session.sdk
    shown, order_id = order_id, resolve(sdk, order_id)
    resolved = order_id
    if out_path is None:
        with out.spinner("Fetching…"):
            document = sdk.orders.invoice(order_id)
        out.one(document, INVOICE_COLUMNS)
        return
    from platform_cli.documents import report, save

    size = save(
        out,
        out_path,
        "the invoice",
        lambda to, progress: sdk.orders.download_invoice(resolved, to, progress=progress),
    )
    report(
        out,
        f"Wrote the invoice of order {shown} to {out_path} ({size:,} bytes).",
        {"order_id": order_id, "path": out_path, "bytes": size},
        out_path,
    )
