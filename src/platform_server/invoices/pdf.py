"""The invoice as a PDF (fpdf2, built-in fonts: no files to ship)."""

from __future__ import annotations

from fpdf import FPDF

from platform_server.core.money import to_wire
from platform_server.invoices.schemas import InvoiceOut


def _latin1(text: str) -> str:
    # The built-in fonts are Latin-1; anything else is shown as "?" rather than failing.
    return text.encode("latin-1", "replace").decode("latin-1")


def render(invoice: InvoiceOut) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"Invoice {invoice.number}")
    pdf.set_creator("Platform")
    # Dated when the invoice was issued, not when it is drawn: the same invoice gives
    # the same bytes however often it is downloaded.
    pdf.set_creation_date(invoice.issued_at)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _latin1(f"Invoice {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in (
        f"Issued: {invoice.issued_at:%Y-%m-%d %H:%M} UTC",
        f"Order: #{invoice.order_number} ({invoice.order_id})",
        f"Payment status: {invoice.payment_status.replace('_', ' ')}",
        "",
        f"Seller: {invoice.seller.name}, {invoice.seller.address or ''}",
        f"Buyer: {invoice.buyer.name} <{invoice.buyer.email}>",
        f"Ship to: {invoice.buyer.address or '-'}",
        "",
    ):
        pdf.cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    widths = (30, 80, 15, 30, 30)
    pdf.set_font("Helvetica", "B", 10)
    for width, title in zip(widths, ("SKU", "Item", "Qty", "Price", "Subtotal"), strict=True):
        pdf.cell(width, 7, title, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    for item in invoice.lines:
        cells = (
            item.sku,
            item.name[:45],
            str(item.quantity),
            to_wire(item.price),
            to_wire(item.subtotal),
        )
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 7, _latin1(text), border=1)
        pdf.ln()
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    for label, value in (
        ("Total", invoice.total),
        ("Paid", invoice.amount_paid),
        ("Refunded", invoice.amount_refunded),
    ):
        pdf.cell(
            0, 7, f"{label}: {to_wire(value)} {invoice.currency}", new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(pdf.output())
