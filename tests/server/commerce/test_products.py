"""Products CRUD: who may write, what customers see, validation and money."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, new_category, new_sku


def product_body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sku": new_sku(),
        "name": "Widget",
        "price": "19.99",
        "category": new_category(),
    }
    body.update(fields)
    return body


def test_staff_creates_and_everyone_reads(
    api: httpx.Client, staff: Account, customer: Account
) -> None:
    body = product_body(
        description="A fine widget", stock=7, attributes={"color": "red"}, currency="EUR"
    )
    created = api.post(f"{API}/products", json=body, headers=staff.headers)
    assert created.status_code == 201, created.text
    product = created.json()
    assert product["sku"] == body["sku"]
    assert product["price"] == "19.99"
    assert product["currency"] == "EUR"
    assert product["status"] == "active"
    assert product["attributes"] == {"color": "red"}
    assert product["inventory"]["on_hand"] == 7
    assert product["inventory"]["available"] == 7
    for headers in ({}, customer.headers, staff.headers):
        got = api.get(f"{API}/products/{product['id']}", headers=headers)
        assert got.status_code == 200, got.text
        assert got.json()["price"] == "19.99"
        assert got.json()["name"] == "Widget"


def test_customer_and_anonymous_cannot_write(
    api: httpx.Client, customer: Account, shop: Shop
) -> None:
    assert_problem(api.post(f"{API}/products", json=product_body(), headers=customer.headers), 403)
    assert_problem(api.post(f"{API}/products", json=product_body()), 401)
    product = shop.product()
    path = f"{API}/products/{product['id']}"
    assert_problem(api.patch(path, json={"name": "x"}, headers=customer.headers), 403)
    assert_problem(api.delete(path, headers=customer.headers), 403)
    assert_problem(api.patch(path, json={"name": "x"}), 401)
    assert_problem(
        api.post(
            f"{API}/products/batch", json={"items": [product_body()]}, headers=customer.headers
        ),
        403,
    )
    assert api.get(path).json()["name"] == "Test product"


def test_anonymous_list_sees_only_active(api: httpx.Client, shop: Shop, staff: Account) -> None:
    category = new_category()
    active = shop.product(category=category)
    archived = shop.product(category=category, status="archived")
    listed = api.get(f"{API}/products", params={"category": category})
    assert listed.status_code == 200, listed.text
    assert [p["id"] for p in listed.json()["data"]] == [active["id"]]
    # status= is for staff; others still see active products only
    asked = api.get(f"{API}/products", params={"category": category, "status": "archived"})
    assert [p["id"] for p in asked.json()["data"]] == [active["id"]]
    as_staff = api.get(f"{API}/products", params={"category": category}, headers=staff.headers)
    assert {p["id"] for p in as_staff.json()["data"]} == {active["id"], archived["id"]}
    only_archived = api.get(
        f"{API}/products",
        params={"category": category, "status": "archived"},
        headers=staff.headers,
    )
    assert [p["id"] for p in only_archived.json()["data"]] == [archived["id"]]


def test_archived_product_is_404_for_customers(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account
) -> None:
    product = shop.product(status="archived")
    assert_problem(api.get(f"{API}/products/{product['id']}", headers=customer.headers), 404)
    assert_problem(api.get(f"{API}/products/{product['id']}"), 404)
    got = api.get(f"{API}/products/{product['id']}", headers=staff.headers)
    assert got.status_code == 200
    assert got.json()["status"] == "archived"


def test_unknown_product_and_bad_id(api: httpx.Client, shop: Shop) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    assert_problem(api.get(f"{API}/products/{missing}"), 404)
    assert_problem(
        api.patch(f"{API}/products/{missing}", json={"name": "x"}, headers=shop.headers), 404
    )
    assert_problem(api.delete(f"{API}/products/{missing}", headers=shop.headers), 404)
    assert_problem(api.get(f"{API}/products/not-a-uuid"), 422, field="id")


def test_duplicate_sku_is_409(api: httpx.Client, shop: Shop) -> None:
    first = shop.product()
    again = api.post(f"{API}/products", json=product_body(sku=first["sku"]), headers=shop.headers)
    body = assert_problem(again, 409)
    assert first["sku"] in body["detail"]
    other = shop.product()
    renamed = api.patch(
        f"{API}/products/{other['id']}", json={"sku": first["sku"]}, headers=shop.headers
    )
    assert_problem(renamed, 409)
    assert api.get(f"{API}/products/{other['id']}").json()["sku"] == other["sku"]


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("19.99", "19.99"),
        ("19.999", "20.00"),  # rounded to cents
        ("0.125", "0.12"),  # half to even: down to the even cent
        ("0.135", "0.14"),  # half to even: up to the even cent
        ("5", "5.00"),
    ],
)
def test_price_is_rounded_half_even_and_returned_as_string(
    api: httpx.Client, shop: Shop, price: Any, expected: str
) -> None:
    created = api.post(f"{API}/products", json=product_body(price=price), headers=shop.headers)
    assert created.status_code == 201, created.text
    assert created.json()["price"] == expected
    assert api.get(f"{API}/products/{created.json()['id']}").json()["price"] == expected


@pytest.mark.parametrize("price", [12.5, "", "1e3", "-1", "1.23456", " 1"])
def test_price_is_a_decimal_string_as_documented(api: httpx.Client, shop: Shop, price: Any) -> None:
    """Money is a decimal string matching the OpenAPI pattern: a JSON number (a float is
    not money), a blank, an exponent or a sign is refused, saying what to send."""
    created = api.post(f"{API}/products", json=product_body(price=price), headers=shop.headers)
    problem = assert_problem(created, 422)
    assert problem["errors"][0]["loc"] == ["body", "price"]
    assert "decimal string" in problem["errors"][0]["msg"]


def test_zero_decimal_currency_price(api: httpx.Client, shop: Shop) -> None:
    created = api.post(
        f"{API}/products", json=product_body(price="1500.5", currency="JPY"), headers=shop.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["price"] == "1500"  # half to even, no minor unit
    assert api.get(f"{API}/products/{created.json()['id']}").json()["price"] == "1500"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "abc"),
        ("price", "-1.00"),
        ("price", "NaN"),
        ("price", "Infinity"),
        ("price", "1e30"),
        ("price", "1.00001"),
        ("price", None),
        ("currency", "XYZ"),
        ("currency", "usd"),
        ("currency", "US"),
        ("sku", ""),
        ("sku", "has space"),
        ("sku", "x" * 65),
        ("name", ""),
        ("category", ""),
        ("status", "deleted"),
        ("stock", -1),
        ("stock", "many"),
        ("attributes", "not-an-object"),
    ],
)
def test_bad_product_fields_are_422(api: httpx.Client, shop: Shop, field: str, value: Any) -> None:
    body = product_body(**{field: value})
    assert_problem(api.post(f"{API}/products", json=body, headers=shop.headers), 422, field=field)
    if field != "category":
        listed = api.get(
            f"{API}/products", params={"category": body["category"]}, headers=shop.headers
        )
        assert listed.json()["data"] == []


def test_missing_and_unknown_fields_are_422(api: httpx.Client, shop: Shop) -> None:
    body = product_body()
    del body["price"]
    assert_problem(api.post(f"{API}/products", json=body, headers=shop.headers), 422, field="price")
    extra = product_body(colour="red")
    assert_problem(
        api.post(f"{API}/products", json=extra, headers=shop.headers), 422, field="colour"
    )
    product = shop.product()
    assert_problem(
        api.patch(f"{API}/products/{product['id']}", json={"colour": "red"}, headers=shop.headers),
        422,
        field="colour",
    )
    not_json = api.post(
        f"{API}/products",
        content=b"{not json",
        headers={**shop.headers, "Content-Type": "application/json"},
    )
    assert_problem(not_json, 400)


def test_update_product(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(price="10.00")
    path = f"{API}/products/{product['id']}"
    updated = api.patch(
        path,
        json={"name": "Renamed", "price": "12.345", "description": "new"},
        headers=shop.headers,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "Renamed"
    assert updated.json()["price"] == "12.34"  # half to even
    assert updated.json()["description"] == "new"
    assert updated.json()["sku"] == product["sku"]
    assert api.get(path, headers=customer.headers).json()["name"] == "Renamed"
    assert_problem(api.patch(path, json={"name": None}, headers=shop.headers), 422, field="name")
    assert_problem(api.patch(path, json={"price": "-5"}, headers=shop.headers), 422, field="price")
    assert_problem(
        api.patch(path, json={"currency": "ABC"}, headers=shop.headers), 422, field="currency"
    )
    # a currency change re-rounds the price to that currency's minor unit
    yen = api.patch(path, json={"currency": "JPY"}, headers=shop.headers)
    assert yen.status_code == 200, yen.text
    assert yen.json()["price"] == "12"
    archived = api.patch(path, json={"status": "archived"}, headers=shop.headers)
    assert archived.json()["status"] == "archived"
    assert_problem(api.get(path, headers=customer.headers), 404)


def test_delete_unordered_product_deletes_it(api: httpx.Client, shop: Shop) -> None:
    product = shop.product()
    deleted = api.delete(f"{API}/products/{product['id']}", headers=shop.headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"id": product["id"], "result": "deleted"}
    assert_problem(api.get(f"{API}/products/{product['id']}", headers=shop.headers), 404)
    assert_problem(api.get(f"{API}/products/{product['id']}/inventory", headers=shop.headers), 404)
    # the SKU is free again
    assert shop.product(sku=product["sku"])["sku"] == product["sku"]


def test_delete_ordered_product_archives_it(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    product = shop.product()
    shop.order(customer, (product["id"], 1))
    deleted = api.delete(f"{API}/products/{product['id']}", headers=shop.headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["result"] == "archived"
    assert_problem(api.get(f"{API}/products/{product['id']}", headers=customer.headers), 404)
    assert api.get(f"{API}/products/{product['id']}", headers=shop.headers).json()["status"] == (
        "archived"
    )


def test_idempotent_product_create(api: httpx.Client, shop: Shop) -> None:
    body = product_body()
    headers = {**shop.headers, "Idempotency-Key": new_sku("key")}
    first = api.post(f"{API}/products", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = api.post(f"{API}/products", json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    other = api.post(f"{API}/products", json=product_body(), headers=headers)
    assert_problem(other, 422, field="Idempotency-Key")


def test_categories_with_counts(api: httpx.Client, shop: Shop, staff: Account) -> None:
    prefix = new_category("zz-cats")
    first, second = f"{prefix}-a", f"{prefix}-b"
    shop.product(category=first)
    shop.product(category=first)
    shop.product(category=first, status="archived")
    shop.product(category=second)

    def counts(headers: dict[str, str]) -> dict[str, int]:
        items = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 100}
            if cursor:
                params["cursor"] = cursor
            response = api.get(f"{API}/categories", params=params, headers=headers)
            assert response.status_code == 200, response.text
            items.extend(response.json()["data"])
            cursor = response.json()["next_cursor"]
            if not cursor:
                break
        names = [c["name"] for c in items]
        assert names == sorted(names)
        assert len(names) == len(set(names))
        return {c["name"]: c["product_count"] for c in items if c["name"].startswith(prefix)}

    assert counts({}) == {first: 2, second: 1}
    assert counts(staff.headers) == {first: 3, second: 1}


def test_categories_paginate_by_name(api: httpx.Client) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(200):
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = api.get(f"{API}/categories", params=params)
        assert page.status_code == 200, page.text
        assert len(page.json()["data"]) <= 2
        seen.extend(c["name"] for c in page.json()["data"])
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(set(seen))
    everything = api.get(f"{API}/categories", params={"limit": 100}).json()["data"]
    if len(everything) < 100:
        assert seen == [c["name"] for c in everything]
    assert_problem(api.get(f"{API}/categories", params={"cursor": "garbage!"}), 422, field="cursor")
    assert_problem(api.get(f"{API}/categories", params={"limit": 0}), 422, field="limit")
