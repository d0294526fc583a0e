"""Placing orders: catalog prices, stock reservation, visibility and staff filters."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, all_pages, new_category

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


def test_totals_come_from_catalog_prices(api: httpx.Client, shop: Shop, customer: Account) -> None:
    lamp = shop.product(price="19.99", stock=10)
    bulb = shop.product(price="0.35", stock=10)
    body = {
        "items": [
            {"product_id": lamp["id"], "quantity": 3, "price": "0.01"},  # ignored
            {"product_id": bulb["id"], "quantity": 7, "price": 0},
        ],
        "shipping_address": ADDRESS,
    }
    created = api.post(f"{API}/orders", json=body, headers=customer.headers)
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["status"] == "pending"
    assert order["user_id"] == customer.id
    assert order["user_email"] == customer.email
    assert order["currency"] == "USD"
    assert order["shipping_address"]["city"] == "London"
    assert datetime.fromisoformat(order["expires_at"]) > datetime.now(UTC)
    items = {i["product_id"]: i for i in order["items"]}
    assert items[lamp["id"]] | {"product_id": None} == {
        "product_id": None,
        "sku": lamp["sku"],
        "name": lamp["name"],
        "quantity": 3,
        "price": "19.99",
        "subtotal": "59.97",
    }
    assert items[bulb["id"]]["price"] == "0.35"
    assert items[bulb["id"]]["subtotal"] == "2.45"
    assert order["total"] == "62.42"
    assert Decimal(order["total"]) == sum(Decimal(i["subtotal"]) for i in order["items"])
    assert shop.inventory(lamp["id"])["reserved"] == 3
    assert shop.inventory(bulb["id"])["reserved"] == 7
    assert shop.get_order(order["id"], customer.headers) == order


def test_later_catalog_price_changes_do_not_touch_the_order(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    product = shop.product(price="10.00")
    order = shop.order(customer, (product["id"], 2))
    api.patch(f"{API}/products/{product['id']}", json={"price": "99.00"}, headers=shop.headers)
    again = shop.get_order(order["id"])
    assert again["total"] == "20.00"
    assert again["items"][0]["price"] == "10.00"


def test_duplicate_lines_are_summed(shop: Shop, customer: Account) -> None:
    product = shop.product(price="2.50", stock=5)
    order = shop.order(customer, (product["id"], 2), (product["id"], 3))
    assert len(order["items"]) == 1
    assert order["items"][0]["quantity"] == 5
    assert order["items"][0]["subtotal"] == order["total"] == "12.50"
    assert shop.inventory(product["id"])["reserved"] == 5


def test_duplicate_lines_are_summed_before_the_stock_check(shop: Shop, customer: Account) -> None:
    product = shop.product(stock=4)
    body = assert_problem(shop.place(customer, (product["id"], 2), (product["id"], 3)), 409)
    assert body["shortages"] == [{"product_id": product["id"], "requested": 5, "available": 4}]
    # A person reads the SKU; the id stays in `shortages` for programs.
    assert body["detail"] == f"Not enough stock for: {product['sku']} (wanted 5, 4 available)."
    assert shop.inventory(product["id"])["reserved"] == 0


def test_unknown_and_archived_products_are_422_naming_them(shop: Shop, customer: Account) -> None:
    good = shop.product()
    archived = shop.product(status="archived")
    missing = str(uuid.uuid4())
    body = assert_problem(
        shop.place(customer, (good["id"], 1), (missing, 1), (archived["id"], 1)), 422, field="items"
    )
    assert missing in body["detail"]
    assert archived["id"] in body["detail"]
    assert good["id"] not in body["detail"]
    assert sorted(e["loc"] for e in body["errors"]) == [
        ["body", "items", 1, "product_id"],
        ["body", "items", 2, "product_id"],
    ]
    assert shop.inventory(good["id"])["reserved"] == 0


def test_mixed_currencies_are_422(shop: Shop, customer: Account) -> None:
    dollars = shop.product(currency="USD")
    euros = shop.product(currency="EUR")
    body = assert_problem(
        shop.place(customer, (dollars["id"], 1), (euros["id"], 1)), 422, field="items"
    )
    assert "EUR" in body["detail"] and "USD" in body["detail"]
    assert shop.inventory(dollars["id"])["reserved"] == 0


def test_short_stock_is_409_naming_each_short_item(shop: Shop, customer: Account) -> None:
    plenty = shop.product(stock=10)
    short_a = shop.product(stock=1)
    short_b = shop.product(stock=0)
    body = assert_problem(
        shop.place(customer, (plenty["id"], 2), (short_a["id"], 2), (short_b["id"], 1)), 409
    )
    shortages = sorted(body["shortages"], key=lambda s: s["product_id"])
    assert shortages == sorted(
        [
            {"product_id": short_a["id"], "requested": 2, "available": 1},
            {"product_id": short_b["id"], "requested": 1, "available": 0},
        ],
        key=lambda s: s["product_id"],
    )
    # Named for a person by SKU (the ids are in `shortages`).
    assert short_a["sku"] in body["detail"] and short_b["sku"] in body["detail"]
    assert plenty["sku"] not in body["detail"]
    for product in (plenty, short_a, short_b):  # all or nothing
        assert shop.inventory(product["id"])["reserved"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "items"),
        ({"items": []}, "items"),
        ({"items": [{"product_id": "nope", "quantity": 1}]}, "product_id"),
        ({"items": [{"product_id": str(uuid.uuid4()), "quantity": 0}]}, "quantity"),
        ({"items": [{"product_id": str(uuid.uuid4()), "quantity": -1}]}, "quantity"),
        ({"items": [{"product_id": str(uuid.uuid4()), "quantity": 10_001}]}, "quantity"),
        ({"items": [{"product_id": str(uuid.uuid4())}]}, "quantity"),
        ({"items": [{"product_id": str(uuid.uuid4()), "quantity": 1, "colour": "red"}]}, "colour"),
        ({"items": [{"product_id": str(uuid.uuid4()), "quantity": 1}] * 101}, "items"),
        ({"items": [{"product_id": str(uuid.uuid4()), "quantity": 1}], "coupon": "FREE"}, "coupon"),
        (
            {
                "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}],
                "shipping_address": {**ADDRESS, "country": "Britain"},
            },
            "country",
        ),
        (
            {
                "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}],
                "shipping_address": {k: v for k, v in ADDRESS.items() if k != "city"},
            },
            "city",
        ),
    ],
)
def test_bad_order_input_is_422(
    api: httpx.Client, shared_customer: Account, body: dict[str, Any], field: str
) -> None:
    response = api.post(f"{API}/orders", json=body, headers=shared_customer.headers)
    assert_problem(response, 422, field=field)


def test_orders_need_sign_in(api: httpx.Client, shop: Shop) -> None:
    product = shop.product()
    body = {"items": [{"product_id": product["id"], "quantity": 1}]}
    assert_problem(api.post(f"{API}/orders", json=body), 401)
    assert_problem(api.get(f"{API}/orders"), 401)
    assert shop.inventory(product["id"])["reserved"] == 0


def test_customers_see_only_their_own_orders(api: httpx.Client, shop: Shop, make_user: Any) -> None:
    alice, bob = make_user(), make_user()
    product = shop.product()
    mine = shop.order(alice, (product["id"], 1))
    theirs = shop.order(bob, (product["id"], 1))
    listed = api.get(f"{API}/orders", headers=alice.headers)
    assert [o["id"] for o in listed.json()["data"]] == [mine["id"]]
    # user_id is a staff filter: a customer still sees only their own
    other = api.get(f"{API}/orders", params={"user_id": bob.id}, headers=alice.headers)
    assert [o["id"] for o in other.json()["data"]] == [mine["id"]]
    for path in ("", "/history", "/payments", "/invoice"):
        assert_problem(api.get(f"{API}/orders/{theirs['id']}{path}", headers=alice.headers), 404)
    assert_problem(api.post(f"{API}/orders/{theirs['id']}/cancel", headers=alice.headers), 404)
    assert_problem(shop.pay(alice, theirs["id"]), 404)
    assert shop.get_order(theirs["id"])["status"] == "pending"
    assert_problem(api.get(f"{API}/orders/{uuid.uuid4()}", headers=alice.headers), 404)
    assert_problem(api.get(f"{API}/orders/not-an-id", headers=alice.headers), 422, field="id")


def test_staff_filters(api: httpx.Client, shop: Shop, make_user: Any, staff: Account) -> None:
    alice, bob = make_user(), make_user()
    product = shop.product(stock=20)
    before = datetime.now(UTC) - timedelta(seconds=1)
    a1 = shop.order(alice, (product["id"], 1))
    time.sleep(0.05)
    a2 = shop.order(alice, (product["id"], 1))
    time.sleep(0.05)
    b1 = shop.order(bob, (product["id"], 1))
    after = datetime.now(UTC) + timedelta(seconds=1)
    api.post(f"{API}/orders/{a1['id']}/cancel", headers=alice.headers)

    def listed(**params: Any) -> list[str]:
        items = all_pages(api, f"{API}/orders", {"limit": 100, **params}, headers=staff.headers)
        return [o["id"] for o in items]

    assert listed(user_id=alice.id) == [a2["id"], a1["id"]]
    assert listed(user_id=alice.id, status="cancelled") == [a1["id"]]
    assert listed(user_id=alice.id, status="pending") == [a2["id"]]
    assert listed(q=bob.email) == [b1["id"]]
    assert listed(q=bob.email.upper()) == [b1["id"]]
    assert listed(q=bob.email.split("@")[0]) == [b1["id"]]
    assert listed(q=a2["id"]) == [a2["id"]]
    window = {"created_after": before.isoformat(), "created_before": after.isoformat()}
    assert {a1["id"], a2["id"], b1["id"]} <= set(listed(**window))
    assert listed(user_id=alice.id, created_after=a2["created_at"]) == [a2["id"]]
    assert listed(user_id=alice.id, created_before=a2["created_at"]) == [a1["id"]]
    assert listed(user_id=alice.id, created_after=after.isoformat()) == []
    assert listed(q=f"nobody-{uuid.uuid4().hex}@example.com") == []
    everyone = listed()
    assert {a1["id"], a2["id"], b1["id"]} <= set(everyone)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"user_id": "me"}, "user_id"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "2026-13-01"}, "created_before"),
        ({"q": "x" * 256}, "q"),
        ({"limit": 0}, "limit"),
        ({"cursor": "@@"}, "cursor"),
    ],
)
def test_bad_order_filters_are_422(
    api: httpx.Client, shared_staff: Account, params: dict[str, Any], field: str
) -> None:
    response = api.get(f"{API}/orders", params=params, headers=shared_staff.headers)
    assert_problem(response, 422, field=field)


def test_a_date_without_a_zone_is_taken_as_utc(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account
) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    created = datetime.fromisoformat(order["created_at"]).astimezone(UTC)
    naive_before = (created - timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    naive_after = (created + timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    found = api.get(
        f"{API}/orders",
        params={"user_id": customer.id, "created_after": naive_before},
        headers=staff.headers,
    )
    assert found.status_code == 200, found.text
    assert [o["id"] for o in found.json()["data"]] == [order["id"]]
    none = api.get(
        f"{API}/orders",
        params={"user_id": customer.id, "created_after": naive_after},
        headers=staff.headers,
    )
    assert none.status_code == 200, none.text
    assert none.json()["data"] == []


def test_order_list_paginates(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(stock=10, category=new_category())
    placed = [shop.order(customer, (product["id"], 1))["id"] for _ in range(5)]
    paged = all_pages(api, f"{API}/orders", {"limit": 2}, headers=customer.headers)
    assert [o["id"] for o in paged] == list(reversed(placed))


def test_idempotent_order_create(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(stock=5)
    body = {"items": [{"product_id": product["id"], "quantity": 2}]}
    headers = {**customer.headers, "Idempotency-Key": f"order-{uuid.uuid4()}"}
    first = api.post(f"{API}/orders", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = api.post(f"{API}/orders", json=body, headers=headers)
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert shop.inventory(product["id"])["reserved"] == 2  # one effect
    listed = api.get(f"{API}/orders", headers=customer.headers).json()["data"]
    assert [o["id"] for o in listed] == [first.json()["id"]]
    changed = {"items": [{"product_id": product["id"], "quantity": 3}]}
    assert_problem(
        api.post(f"{API}/orders", json=changed, headers=headers), 422, field="Idempotency-Key"
    )
    assert shop.inventory(product["id"])["reserved"] == 2


def test_idempotency_keys_are_per_caller(api: httpx.Client, shop: Shop, make_user: Any) -> None:
    alice, bob = make_user(), make_user()
    product = shop.product(stock=5)
    body = {"items": [{"product_id": product["id"], "quantity": 1}]}
    key = {"Idempotency-Key": f"shared-{uuid.uuid4()}"}
    first = api.post(f"{API}/orders", json=body, headers={**alice.headers, **key})
    second = api.post(f"{API}/orders", json=body, headers={**bob.headers, **key})
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]
    assert second.json()["user_id"] == bob.id
    assert shop.inventory(product["id"])["reserved"] == 2


def test_failed_order_frees_its_idempotency_key(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    product = shop.product(stock=1)
    body = {"items": [{"product_id": product["id"], "quantity": 2}]}
    headers = {**customer.headers, "Idempotency-Key": f"retry-{uuid.uuid4()}"}
    assert_problem(api.post(f"{API}/orders", json=body, headers=headers), 409)
    assert shop.adjust(product["id"], 1).status_code == 201
    retried = api.post(f"{API}/orders", json=body, headers=headers)
    assert retried.status_code == 201, retried.text
    assert "idempotent-replayed" not in retried.headers


def test_zero_decimal_currency_amounts_have_no_minor_unit(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    product = shop.product(price="1500", currency="JPY", stock=5)
    assert api.get(f"{API}/products/{product['id']}").json()["price"] == "1500"
    created = shop.order(customer, (product["id"], 3))
    assert created["currency"] == "JPY"
    assert (created["items"][0]["price"], created["items"][0]["subtotal"]) == ("1500", "4500")
    assert created["total"] == "4500"
    assert shop.get_order(created["id"]) == created
    paid = shop.pay(customer, created["id"])
    assert paid.status_code == 201, paid.text
    assert (paid.json()["amount"], paid.json()["refunded_amount"]) == ("4500", "0")
    refund = api.post(
        f"{API}/payments/{paid.json()['id']}/refunds",
        json={"amount": "1000.5"},
        headers=shop.headers,
    )
    assert refund.status_code == 201, refund.text
    assert refund.json()["amount"] == "1000"  # half to even, whole yen
    invoice = api.get(
        f"{API}/orders/{created['id']}/invoice",
        headers={**customer.headers, "Accept": "application/json"},
    ).json()
    assert (invoice["total"], invoice["amount_paid"], invoice["amount_refunded"]) == (
        "4500",
        "4500",
        "0",
    )
    assert invoice["lines"][0]["subtotal"] == "4500"
    note = api.get(
        f"{API}/payments/{paid.json()['id']}/refunds/{refund.json()['id']}/credit-note",
        headers={**customer.headers, "Accept": "application/json"},
    ).json()
    assert (note["amount"], note["currency"]) == ("1000", "JPY")
