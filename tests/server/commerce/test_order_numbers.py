"""Order numbers (`#1001`) and the filters that find an order or product by what a
person types: `?number=`, `?sku=`, `?id_prefix=`."""

from __future__ import annotations

import io
from collections.abc import Callable

import httpx
import pypdf
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop


def test_every_order_gets_the_next_number(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(stock=10)
    first = shop.order(customer, (product["id"], 1))
    second = shop.order(customer, (product["id"], 1))
    assert first["number"] >= 1001
    assert second["number"] > first["number"]
    got = api.get(f"{API}/orders/{first['id']}", headers=customer.headers).json()
    assert got["number"] == first["number"]


def test_find_an_order_by_number(
    api: httpx.Client, shop: Shop, make_user: Callable[..., Account]
) -> None:
    buyer, other = make_user(), make_user()
    product = shop.product(stock=10)
    mine = shop.order(buyer, (product["id"], 1))
    theirs = shop.order(other, (product["id"], 1))

    found = api.get(f"{API}/orders", params={"number": mine["number"]}, headers=shop.headers)
    assert found.status_code == 200, found.text
    assert [o["id"] for o in found.json()["data"]] == [mine["id"]]
    # A customer finds only their own orders by number.
    hidden = api.get(f"{API}/orders", params={"number": theirs["number"]}, headers=buyer.headers)
    assert hidden.json()["data"] == []


def test_find_by_id_prefix(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(stock=10)
    order = shop.order(customer, (product["id"], 1))
    for prefix in (order["id"][:8], order["id"][:23], order["id"].replace("-", "")[:20]):
        found = api.get(f"{API}/orders", params={"id_prefix": prefix}, headers=shop.headers)
        assert found.status_code == 200, found.text
        assert order["id"] in [o["id"] for o in found.json()["data"]]
    exact = api.get(f"{API}/orders", params={"id_prefix": order["id"]}, headers=shop.headers)
    assert [o["id"] for o in exact.json()["data"]] == [order["id"]]
    products = api.get(f"{API}/products", params={"id_prefix": product["id"][:18]})
    assert [p["id"] for p in products.json()["data"]] == [product["id"]]


def test_find_a_product_by_sku(api: httpx.Client, shop: Shop) -> None:
    product = shop.product()
    shop.product()
    found = api.get(f"{API}/products", params={"sku": product["sku"]})
    assert found.status_code == 200, found.text
    assert [p["id"] for p in found.json()["data"]] == [product["id"]]
    assert api.get(f"{API}/products", params={"sku": "no-such-sku"}).json()["data"] == []


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("orders", {"number": "0"}, "number"),
        ("orders", {"number": "#1001"}, "number"),
        ("orders", {"id_prefix": "0190ab"}, "id_prefix"),  # fewer than 8 digits
        ("orders", {"id_prefix": "not-hex-at-all"}, "id_prefix"),
        ("orders", {"id_prefix": "0" * 33}, "id_prefix"),  # longer than an id
        ("products", {"id_prefix": "zzzzzzzz"}, "id_prefix"),
        ("products", {"sku": "x" * 65}, "sku"),
    ],
)
def test_bad_references_are_problems(
    api: httpx.Client, shop: Shop, path: str, params: dict[str, str], field: str
) -> None:
    response = api.get(f"{API}/{path}", params=params, headers=shop.headers)
    assert_problem(response, 422, field=field)


def test_invoice_shows_the_order_number(api: httpx.Client, shop: Shop, customer: Account) -> None:
    order, _ = shop.paid_order(customer, (shop.product(price="5.00")["id"], 1))
    invoice = api.get(
        f"{API}/orders/{order['id']}/invoice",
        headers={**customer.headers, "Accept": "application/json"},
    )
    assert invoice.json()["order_number"] == order["number"]
    pdf = api.get(
        f"{API}/orders/{order['id']}/invoice",
        headers={**customer.headers, "Accept": "application/pdf"},
    )
    text = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert f"Order: #{order['number']}" in text
