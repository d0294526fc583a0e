"""Stock levels, adjustments and the ledger."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, all_pages

MISSING = "00000000-0000-4000-8000-000000000000"


def test_inventory_of_a_new_product(api: httpx.Client, shop: Shop, staff: Account) -> None:
    product = shop.product(stock=12, low_stock_threshold=3)
    got = api.get(f"{API}/products/{product['id']}/inventory", headers=staff.headers)
    assert got.status_code == 200, got.text
    assert got.json() | {"updated_at": None} == {
        "product_id": product["id"],
        "on_hand": 12,
        "reserved": 0,
        "available": 12,
        "low_stock_threshold": 3,
        "updated_at": None,
    }


def test_inventory_is_staff_only(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product()
    path = f"{API}/products/{product['id']}/inventory"
    assert_problem(api.get(path, headers=customer.headers), 403)
    assert_problem(api.get(path), 401)
    adjust = {"delta": 5, "reason": "found more"}
    assert_problem(api.post(f"{path}/adjustments", json=adjust, headers=customer.headers), 403)
    assert_problem(api.post(f"{path}/adjustments", json=adjust), 401)
    assert_problem(api.get(f"{path}/adjustments", headers=customer.headers), 403)
    assert shop.inventory(product["id"])["on_hand"] == 10


def test_unknown_product_inventory_is_404(api: httpx.Client, shop: Shop) -> None:
    path = f"{API}/products/{MISSING}/inventory"
    assert_problem(api.get(path, headers=shop.headers), 404)
    assert_problem(
        api.post(f"{path}/adjustments", json={"delta": 1, "reason": "x"}, headers=shop.headers), 404
    )
    assert_problem(api.get(f"{path}/adjustments", headers=shop.headers), 404)


def test_adjust_and_ledger_record_who_and_why(
    api: httpx.Client, shop: Shop, staff: Account
) -> None:
    product = shop.product(stock=10)
    path = f"{API}/products/{product['id']}/inventory/adjustments"
    added = api.post(path, json={"delta": 5, "reason": "delivery 42"}, headers=staff.headers)
    assert added.status_code == 201, added.text
    assert added.json()["on_hand"] == 15
    assert added.json()["available"] == 15
    removed = api.post(
        path,
        json={"delta": -3, "reason": "damaged", "low_stock_threshold": 2},
        headers=staff.headers,
    )
    assert removed.status_code == 201, removed.text
    assert removed.json()["on_hand"] == 12
    assert removed.json()["low_stock_threshold"] == 2
    assert shop.inventory(product["id"])["on_hand"] == 12

    ledger = all_pages(api, path, {"limit": 2}, headers=staff.headers)
    assert [(m["kind"], m["delta"], m["on_hand_after"], m["reason"]) for m in ledger] == [
        ("adjustment", -3, 12, "damaged"),
        ("adjustment", 5, 15, "delivery 42"),
        ("initial", 10, 10, "initial stock"),
    ]
    assert ledger[0]["actor_id"] == ledger[1]["actor_id"] == staff.id
    assert all(m["product_id"] == product["id"] and m["created_at"] for m in ledger)


def test_adjust_below_reserved_is_409(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(stock=5)
    shop.order(customer, (product["id"], 3))
    assert shop.inventory(product["id"]) | {"updated_at": None} == {
        "product_id": product["id"],
        "on_hand": 5,
        "reserved": 3,
        "available": 2,
        "low_stock_threshold": 5,
        "updated_at": None,
    }
    body = assert_problem(shop.adjust(product["id"], -3), 409)
    assert body["on_hand"] == 5
    assert body["reserved"] == 3
    level = shop.inventory(product["id"])
    assert (level["on_hand"], level["reserved"]) == (5, 3)
    assert shop.adjust(product["id"], -2).status_code == 201
    assert shop.inventory(product["id"])["available"] == 0
    ledger = api.get(
        f"{API}/products/{product['id']}/inventory/adjustments", headers=shop.headers
    ).json()["data"]
    assert [m["delta"] for m in ledger] == [-2, 5]  # the refused one is not recorded


def test_adjust_below_zero_is_409(shop: Shop) -> None:
    product = shop.product(stock=2)
    assert_problem(shop.adjust(product["id"], -3), 409)
    assert shop.inventory(product["id"])["on_hand"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "no delta"}, "delta"),
        ({"delta": 1}, "reason"),
        ({"delta": 1, "reason": ""}, "reason"),
        ({"delta": "lots", "reason": "x"}, "delta"),
        ({"delta": 1.5, "reason": "x"}, "delta"),
        ({"delta": 1_000_001, "reason": "x"}, "delta"),
        ({"delta": 1, "reason": "x" * 501}, "reason"),
        ({"delta": 1, "reason": "x", "low_stock_threshold": -1}, "low_stock_threshold"),
        ({"delta": 1, "reason": "x", "kind": "restock"}, "kind"),
    ],
)
def test_bad_adjustments_are_422(
    api: httpx.Client, shop: Shop, body: dict[str, Any], field: str
) -> None:
    product = shop.product(stock=4)
    path = f"{API}/products/{product['id']}/inventory/adjustments"
    assert_problem(api.post(path, json=body, headers=shop.headers), 422, field=field)
    assert shop.inventory(product["id"])["on_hand"] == 4
