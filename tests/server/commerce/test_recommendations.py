"""Recommendations: bought together first, then popular in the same category."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, new_category


def recommended(api: httpx.Client, product_id: str, **params: Any) -> list[str]:
    response = api.get(f"{API}/products/{product_id}/recommendations", params=params)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    return [p["id"] for p in response.json()["data"]]


def test_co_purchased_first_then_popular_in_category(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    category = new_category()
    anchor = shop.product(category=category, name="Anchor")
    often = shop.product(category=new_category(), name="Often together")
    once = shop.product(category=new_category(), name="Once together")
    popular = shop.product(category=category, name="Z popular", stock=50)
    quiet = shop.product(category=category, name="A quiet")
    shop.order(customer, (anchor["id"], 1), (often["id"], 1))
    shop.order(customer, (anchor["id"], 1), (often["id"], 1), (once["id"], 1))
    shop.order(customer, (popular["id"], 5))

    got = recommended(api, anchor["id"])
    assert got == [often["id"], once["id"], popular["id"], quiet["id"]]
    assert recommended(api, anchor["id"], limit=1) == [often["id"]]
    assert recommended(api, anchor["id"], limit=3) == [often["id"], once["id"], popular["id"]]
    # popularity, then name, when nothing was bought together
    assert recommended(api, quiet["id"]) == [popular["id"], anchor["id"]]


def test_never_itself_archived_or_out_of_stock(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    category = new_category()
    anchor = shop.product(category=category, stock=10)
    archived_partner = shop.product(category=category, stock=10)
    sold_out_partner = shop.product(category=category, stock=1)
    empty = shop.product(category=category, stock=0)
    fine = shop.product(category=category, stock=3)
    shop.order(
        customer, (anchor["id"], 1), (archived_partner["id"], 1), (sold_out_partner["id"], 1)
    )
    shop.order(customer, (anchor["id"], 2))
    api.patch(
        f"{API}/products/{archived_partner['id']}",
        json={"status": "archived"},
        headers=shop.headers,
    )
    got = recommended(api, anchor["id"], limit=20)
    assert got == [fine["id"]]
    assert anchor["id"] not in got
    assert empty["id"] not in got and sold_out_partner["id"] not in got
    # back in stock, it is recommended again (bought together, so first)
    assert shop.adjust(sold_out_partner["id"], 2).status_code == 201
    assert recommended(api, anchor["id"], limit=20) == [sold_out_partner["id"], fine["id"]]


def test_lonely_product_has_none(api: httpx.Client, shop: Shop) -> None:
    assert recommended(api, shop.product()["id"]) == []


def test_bad_requests(api: httpx.Client, shop: Shop, customer: Account) -> None:
    assert_problem(api.get(f"{API}/products/{uuid.uuid4()}/recommendations"), 404)
    archived = shop.product(status="archived")
    assert_problem(
        api.get(f"{API}/products/{archived['id']}/recommendations", headers=customer.headers), 404
    )
    product = shop.product()
    for limit in (0, 21, "x"):
        assert_problem(
            api.get(f"{API}/products/{product['id']}/recommendations", params={"limit": limit}),
            422,
            field="limit",
        )
    assert_problem(api.get(f"{API}/products/nope/recommendations"), 422, field="id")
