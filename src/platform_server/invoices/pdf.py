"""Invoices and credit notes as PDF (fpdf2, built-in fonts: no files to ship).

Rendered once, when the document is issued, then stored (service.freeze). The page:
a heading with the facts (`_facts`), the parties, the lines as a table whose cells
wrap (the longest SKU, 64 characters, and name, 255, stay in their columns), and the
amounts right-aligned in their own column.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fpdf import FPDF
from fpdf.fonts import FontFace

from platform_server.core.money import to_wire
from platform_server.invoices.schemas import CreditNoteOut, InvoiceOut, Party

# Millimetres across the A4 page between its 10 mm margins: SKU, item, qty, price, subtotal.
COLUMNS = (44, 78, 12, 28, 28)
_ALIGN = ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")
_SKU = FontFace(family="Courier", size_pt=8)
_TOTAL_LABEL, _TOTAL_VALUE = 40, 40


def _latin1(text: str) -> str:
    # The built-in fonts are Latin-1; anything else is shown as "?" rather than failing.
    return text.encode("latin-1", "replace").decode("latin-1")


def _party(label: str, party: Party) -> str:
    who = party.name
    if party.email and party.email != party.name:
        who = f"{who} <{party.email}>"
    return f"{label}: {who}" + (f", {party.address}" if party.address else "")


def _start(title: str, issued_at: datetime) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_title(title)
    pdf.set_creator("Platform")
    # Dated when the document was issued, not when it is drawn.
    pdf.set_creation_date(issued_at)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    return pdf


def _facts(pdf: FPDF, lines: list[str]) -> None:
    pdf.set_font("Helvetica", size=10)
    for line in lines:
        # multi_cell: a long address wraps instead of running off the page.
        pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _amounts(pdf: FPDF, rows: list[tuple[str, Decimal, str]], *, bold: bool = True) -> None:
    """Label and amount pairs at the right edge, the amounts right-aligned."""
    pdf.set_font("Helvetica", "B" if bold else "", 11)
    for label, value, currency in rows:
        pdf.set_x(pdf.w - pdf.r_margin - _TOTAL_LABEL - _TOTAL_VALUE)
        pdf.cell(_TOTAL_LABEL, 7, _latin1(f"{label}:"), align="R")
        pdf.cell(
            _TOTAL_VALUE,
            7,
            f"{to_wire(value)} {currency}",
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )


def _head(pdf: FPDF, document: InvoiceOut | CreditNoteOut, facts: list[str]) -> None:
    """When it was issued, for which order (`#1001`), `facts`, then seller and buyer."""
    order = f"Order: #{document.order_number} ({document.order_id})"
    _facts(pdf, [f"Issued: {document.issued_at:%Y-%m-%d %H:%M} UTC", order, *facts])
    _facts(pdf, [_party("Seller", document.seller), _party("Buyer", document.buyer)])


def render(invoice: InvoiceOut) -> bytes:
    pdf = _start(f"Invoice {invoice.number}", invoice.issued_at)
    _head(pdf, invoice, [f"Payment status: {invoice.payment_status.replace('_', ' ')}"])
    currency = invoice.currency
    pdf.set_font("Helvetica", size=9)
    with pdf.table(
        col_widths=COLUMNS,
        width=sum(COLUMNS),
        text_align=_ALIGN,
        line_height=5,
        headings_style=FontFace(emphasis="BOLD"),
        align="LEFT",
        v_align="TOP",
    ) as table:
        table.row(("SKU", "Item", "Qty", f"Price ({currency})", f"Subtotal ({currency})"))
        for item in invoice.lines:
            row = table.row()
            row.cell(_latin1(item.sku), style=_SKU)
            row.cell(_latin1(item.name))
            for text in (str(item.quantity), to_wire(item.price), to_wire(item.subtotal)):
                row.cell(text)
    pdf.ln(3)
    rows = [("Total", invoice.total, currency), ("Paid", invoice.amount_paid, currency)]
    if invoice.amount_refunded > 0:
        rows.append(("Refunded", invoice.amount_refunded, currency))
    _amounts(pdf, rows)
    return bytes(pdf.output())


def render_credit(note: CreditNoteOut) -> bytes:
    pdf = _start(f"Credit note {note.number}", note.issued_at)
    facts = [
        f"Credits invoice: {note.invoice_number}",
        f"Payment: {note.payment_id}",
        f"Reason: {note.reason or '-'}",
    ]
    _head(pdf, note, facts)
    _amounts(pdf, [("Refunded", note.amount, note.currency)])
    return bytes(pdf.output())
