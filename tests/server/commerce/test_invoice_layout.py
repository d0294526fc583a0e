"""The invoice PDF as a person reads it: the page is rendered to PNG (pypdfium2) and its
text runs are read with their positions, for the longest SKU and name the catalog takes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pypdfium2 as pdfium

from tests.conftest import Account
from tests.server.commerce.conftest import API, Shop, new_sku

Box = tuple[float, float, float, float]  # left, bottom, right, top, in points


def text_runs(pdf: bytes, png: Path) -> list[tuple[str, Box]]:
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        page.render(scale=1.5).to_pil().save(png)
        text = page.get_textpage()
        runs = []
        for index in range(text.count_rects()):
            box = text.get_rect(index)
            runs.append((text.get_text_bounded(*box).strip(), box))
        return runs
    finally:
        document.close()


def test_columns_do_not_overlap_and_amounts_are_right_aligned(
    api: httpx.Client, shop: Shop, customer: Account, tmp_path: Path
) -> None:
    sku = (new_sku("L") + "W" * 64)[:64]  # the longest the catalog allows, no break in it
    name = ("Extraordinarily long product name " * 8)[:255]
    long_one = shop.product(sku=sku, name=name, price="12345678.90")
    short_one = shop.product(price="3.00", name="Mug")
    order, _ = shop.paid_order(customer, (long_one["id"], 2), (short_one["id"], 1))
    answer = api.get(f"{API}/orders/{order['id']}/invoice", headers=customer.headers)
    assert answer.status_code == 200, answer.text
    png = tmp_path / "invoice.png"
    runs = text_runs(answer.content, png)
    assert png.read_bytes().startswith(b"\x89PNG")

    sku_boxes = [box for text, box in runs if len(text) > 3 and text in sku]
    name_boxes = [box for text, box in runs if len(text) > 3 and text in name]
    assert "".join(text for text, _ in runs if len(text) > 3 and text in sku) == sku
    assert len(name_boxes) >= 3  # wrapped, every line in its column
    # Every SKU line ends before any name line begins: the columns do not overlap.
    assert max(box[2] for box in sku_boxes) < min(box[0] for box in name_boxes)

    texts = [text for text, _ in runs]
    assert f"Buyer: Test User <{customer.email}>" in texts
    assert f"Order: #{order['number']} ({order['id']})" in texts
    price, subtotal = "12345678.90", "24691357.80"
    # Amounts of different lengths share their column's right edge (right-aligned).
    threes = sorted((box for text, box in runs if text == "3.00"), key=lambda b: b[0])
    assert len(threes) == 2  # the mug's price and subtotal
    prices = [box for text, box in runs if text == price] + threes[:1]
    subtotals = [box for text, box in runs if text == subtotal] + threes[1:]
    for column in (prices, subtotals):
        lefts, rights = {round(b[0]) for b in column}, {round(b[2]) for b in column}
        assert len(rights) == 1 and len(lefts) == 2, column
    totals = [box for text, box in runs if text in ("24691360.80 USD",)]
    assert len(totals) == 2  # total and paid
    assert abs(totals[0][2] - subtotals[0][2]) < 2  # under the subtotals' edge
