"""Issued invoices and credit notes are stored once and served from storage: the same
bytes and ETag however often they are read and whatever changes afterwards."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop

JSON = {"Accept": "application/json"}


def invoice(
    api: httpx.Client, order_id: str, headers: dict[str, str], **extra: str
) -> httpx.Response:
    return api.get(f"{API}/orders/{order_id}/invoice", headers={**headers, **extra})


def credit_note_url(payment_id: str, refund_id: str) -> str:
    return f"{API}/payments/{payment_id}/refunds/{refund_id}/credit-note"


def refund(api: httpx.Client, shop: Shop, payment_id: str, amount: str) -> dict[str, Any]:
    made = api.post(
        f"{API}/payments/{payment_id}/refunds", json={"amount": amount}, headers=shop.headers
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def test_an_issued_invoice_never_changes(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(price="4.00", name="Original name")
    order, _ = shop.paid_order(customer, (product["id"], 2))
    first = invoice(api, order["id"], customer.headers)
    second = invoice(api, order["id"], customer.headers)
    assert first.status_code == second.status_code == 200, first.text
    assert first.content == second.content and first.content.startswith(b"%PDF")
    etag = first.headers["etag"]
    assert etag == second.headers["etag"]
    number = invoice(api, order["id"], customer.headers, **JSON).json()["number"]
    assert first.headers["content-disposition"].startswith(f'inline; filename="{number}.pdf"')

    renamed = api.patch(
        f"{API}/products/{product['id']}", json={"name": "Renamed"}, headers=shop.headers
    )
    assert renamed.status_code == 200, renamed.text
    third = invoice(api, order["id"], customer.headers)
    assert (third.content, third.headers["etag"]) == (first.content, etag)
    assert b"Renamed" not in third.content

    # Conditional and partial reads of the stored bytes.
    assert invoice(api, order["id"], customer.headers, **{"If-None-Match": etag}).status_code == 304
    part = invoice(api, order["id"], customer.headers, Range="bytes=0-7")
    assert part.status_code == 206
    assert part.content == first.content[:8]
    assert part.headers["content-range"] == f"bytes 0-7/{len(first.content)}"
    outside = invoice(api, order["id"], customer.headers, Range=f"bytes={len(first.content)}-")
    assert assert_problem(outside, 416)["status"] == 416
    stored_json = invoice(api, order["id"], customer.headers, **JSON)
    assert stored_json.headers["content-type"].startswith("application/json")
    assert stored_json.json()["lines"][0]["name"] == "Original name"
    assert stored_json.headers["vary"] == "Accept"


def test_credit_notes_for_refunds(
    api: httpx.Client, shop: Shop, customer: Account, make_user: Any, staff: Account
) -> None:
    order, payment = shop.paid_order(customer, (shop.product(price="10.00")["id"], 1))
    first, second = (
        refund(api, shop, payment["id"], "2.50"),
        refund(api, shop, payment["id"], "1.00"),
    )
    url = credit_note_url(payment["id"], first["id"])
    note = api.get(url, headers={**customer.headers, **JSON})
    assert note.status_code == 200, note.text
    body = note.json()
    match = re.fullmatch(r"CN-(\d{6})", body["number"])
    assert match
    assert (body["amount"], body["currency"], body["refund_id"]) == ("2.50", "USD", first["id"])
    assert body["order_id"] == order["id"]
    assert re.fullmatch(r"INV-\d{6}", body["invoice_number"])
    later = api.get(credit_note_url(payment["id"], second["id"]), headers={**staff.headers, **JSON})
    assert later.json()["number"] == f"CN-{int(match.group(1)) + 1:06d}"

    pdf = api.get(url, headers=customer.headers)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert f'filename="{body["number"]}.pdf"' in pdf.headers["content-disposition"]
    again = api.get(url, headers=customer.headers)
    assert (again.content, again.headers["etag"]) == (pdf.content, pdf.headers["etag"])


def test_credit_note_bad_input(
    api: httpx.Client, shop: Shop, customer: Account, make_user: Any
) -> None:
    _, payment = shop.paid_order(customer, (shop.product(price="3.00")["id"], 1))
    made = refund(api, shop, payment["id"], "1.00")
    url = credit_note_url(payment["id"], made["id"])
    stranger = make_user()
    assert "does not exist" in assert_problem(api.get(url, headers=stranger.headers), 404)["detail"]
    assert_problem(api.get(url), 401)
    assert_problem(
        api.get(credit_note_url(payment["id"], str(uuid.uuid4())), headers=customer.headers), 404
    )
    assert_problem(
        api.get(credit_note_url(str(uuid.uuid4()), made["id"]), headers=customer.headers), 404
    )
    body = assert_problem(
        api.get(credit_note_url(payment["id"], "not-an-id"), headers=customer.headers), 422
    )
    assert body["status"] == 422
