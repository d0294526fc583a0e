"""`platform orders invoice`: the invoice of a paid order, as fields or the PDF."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.commands.orders.options import INVOICE_COLUMNS, OrderId
from platform_cli.verbs import Session, verb


@verb()
def invoice(
    session: Session,
    order_id: OrderId,
    out_path: Annotated[
        str | None,
        typer.Option(
            "--out", help="Write the PDF to this file (- for stdout).", show_default=False
        ),
    ] = None,
) -> None:
    """The invoice of a paid order: the PDF with --out, else its fields (-o json: the JSON)."""
    from platform_cli.refs import order_id as resolve

    out, sdk = session.out, session.sdk
    shown, order_id = order_id, resolve(sdk, order_id)
    if out_path is None:
        with out.spinner("Fetching…"):
            document = sdk.orders.invoice(order_id)
        out.one(document, INVOICE_COLUMNS)
        return
    with out.spinner("Fetching the PDF…"):
        pdf = sdk.orders.invoice_pdf(order_id)
    if out_path == "-":
        import sys

        sys.stdout.buffer.write(pdf)
        sys.stdout.flush()
        return
    from pathlib import Path

    Path(out_path).write_bytes(pdf)
    out.done(
        f"Wrote the invoice of order {shown} to {out_path} ({len(pdf):,} bytes).",
        {"order_id": order_id, "path": out_path, "bytes": len(pdf)},
    )
