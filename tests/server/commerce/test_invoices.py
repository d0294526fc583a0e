"""Invoices of paid orders: sequential numbers, JSON, and a PDF that says the same."""

from __future__ import annotations

import io
import re
import uuid

import httpx
import pypdf

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, new_sku

JSON = {"Accept": "application/json"}
ADDRESS = {
    "name": "Grace Hopper",
    "line1": "1 Navy Way",
    "city": "Arlington",
    "postal_code": "22201",
    "region": "VA",
    "country": "US",
}


def invoice_json(api: httpx.Client, order_id: str, headers: dict[str, str]) -> httpx.Response:
    return api.get(f"{API}/orders/{order_id}/invoice", headers={**headers, **JSON})


def number(invoice: dict[str, str]) -> int:
    match = re.fullmatch(r"INV-(\d{6})", invoice["number"])
    assert match, invoice["number"]
    return int(match.group(1))


def test_unpaid_order_has_no_invoice(api: httpx.Client, shop: Shop, customer: Account) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    body = assert_problem(invoice_json(api, order["id"], customer.headers), 409)
    assert body["current_status"] == "pending"
    assert_problem(api.get(f"{API}/orders/{order['id']}/invoice", headers=customer.headers), 409)


def test_invoice_access(api: httpx.Client, shop: Shop, make_user: object, staff: Account) -> None:
    owner, stranger = make_user(), make_user()  # type: ignore[operator]
    order, _ = shop.paid_order(owner, (shop.product()["id"], 1))
    assert invoice_json(api, order["id"], owner.headers).status_code == 200
    assert invoice_json(api, order["id"], staff.headers).status_code == 200
    assert_problem(invoice_json(api, order["id"], stranger.headers), 404)
    assert_problem(invoice_json(api, order["id"], {}), 401)
    assert_problem(invoice_json(api, str(uuid.uuid4()), staff.headers), 404)


def test_json_invoice_and_consecutive_numbers(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    first_product = shop.product(price="12.50", sku=new_sku("inv"))
    second_product = shop.product(price="3.00", sku=new_sku("inv"))
    first = shop.order(
        customer, (first_product["id"], 2), (second_product["id"], 1), shipping_address=ADDRESS
    )
    assert shop.pay(customer, first["id"]).status_code == 201
    second, _ = shop.paid_order(customer, (second_product["id"], 4))

    one = invoice_json(api, first["id"], customer.headers)
    assert one.status_code == 200, one.text
    assert one.headers["content-type"].startswith("application/json")
    invoice = one.json()
    two = invoice_json(api, second["id"], customer.headers).json()
    assert number(two) == number(invoice) + 1

    assert invoice["order_id"] == first["id"]
    assert invoice["total"] == first["total"] == "28.00"
    assert invoice["amount_paid"] == "28.00"
    assert invoice["amount_refunded"] == "0.00"
    assert invoice["payment_status"] == "paid"
    assert invoice["currency"] == "USD"
    assert invoice["buyer"] == {
        "name": "Grace Hopper",
        "email": customer.email,
        "address": "1 Navy Way, 22201, Arlington, VA, US",
    }
    assert invoice["seller"]["name"]
    assert [(line["sku"], line["quantity"], line["subtotal"]) for line in invoice["lines"]] == [
        (first_product["sku"], 2, "25.00"),
        (second_product["sku"], 1, "3.00"),
    ]
    # the same invoice every time: issued once, at payment
    assert invoice_json(api, first["id"], customer.headers).json() == invoice
    assert two["buyer"]["name"] == "Test User"  # no address: the account's name


def test_pdf_invoice(api: httpx.Client, shop: Shop, customer: Account) -> None:
    skus = [new_sku("pdf"), new_sku("pdf")]
    products = [shop.product(sku=sku, price="9.95", name=f"Item {sku}") for sku in skus]
    order = shop.order(customer, (products[0]["id"], 1), (products[1]["id"], 3))
    assert shop.pay(customer, order["id"]).status_code == 201
    number = invoice_json(api, order["id"], customer.headers).json()["number"]

    for accept in (None, "application/pdf", "*/*"):
        headers = dict(customer.headers)
        if accept:
            headers["Accept"] = accept
        response = api.get(f"{API}/orders/{order['id']}/invoice", headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert number in response.headers["content-disposition"]
        assert response.content.startswith(b"%PDF")
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert number in text
        for sku in skus:
            assert sku in text
        assert order["total"] == "39.80"
        assert "39.80" in text


def test_a_refund_changes_no_invoice(api: httpx.Client, shop: Shop, customer: Account) -> None:
    order, payment = shop.paid_order(customer, (shop.product(price="10.00")["id"], 1))
    before = api.get(f"{API}/orders/{order['id']}/invoice", headers=customer.headers)
    refunded = api.post(
        f"{API}/payments/{payment['id']}/refunds", json={"amount": "2.50"}, headers=shop.headers
    )
    assert refunded.status_code == 201, refunded.text
    invoice = invoice_json(api, order["id"], customer.headers).json()
    assert invoice["payment_status"] == "paid"  # as issued; the refund has a credit note
    assert (invoice["amount_paid"], invoice["amount_refunded"]) == ("10.00", "0.00")
    after = api.get(f"{API}/orders/{order['id']}/invoice", headers=customer.headers)
    assert after.content == before.content
