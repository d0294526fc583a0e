"""Renaming a category: every product of it moves, as events and one audit entry; a
rename into a category that has products needs `merge`; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, new_category

RENAME = f"{API}/categories/rename"


def categories_of(api: httpx.Client, headers: dict[str, str], *ids: str) -> list[str]:
    return [api.get(f"{API}/products/{i}", headers=headers).json()["category"] for i in ids]


def test_staff_rename_every_product_of_a_category(
    api: httpx.Client, shop: Shop, staff: Account, admin_headers: dict[str, str]
) -> None:
    old, new = new_category("typo"), new_category("fixed")
    active = [shop.product(category=old)["id"] for _ in range(2)]
    archived = shop.product(category=old, status="archived")["id"]
    # Read once before, so a cached page that still says `old` would show below.
    assert len(api.get(f"{API}/products", params={"category": old}).json()["data"]) == 2

    renamed = api.post(RENAME, json={"name": old, "new_name": new}, headers=staff.headers)

    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == {"name": new, "product_count": 3}
    assert categories_of(api, staff.headers, *active, archived) == [new, new, new]
    listed = api.get(f"{API}/products", params={"category": new}).json()["data"]
    assert sorted(p["id"] for p in listed) == sorted(active)  # customers: active ones
    assert api.get(f"{API}/products", params={"category": old}).json()["data"] == []
    for product_id in (*active, archived):
        events = api.get(
            f"{API}/events",
            params={"type": "product.updated", "resource_id": product_id},
            headers=admin_headers,
        ).json()["data"]
        assert [e["data"]["category"] for e in events] == [new]
    audit = api.get(
        f"{API}/audit", params={"action": "category.rename", "limit": 100}, headers=admin_headers
    ).json()["data"]
    entry = next(e for e in audit if e["changes"]["name"]["before"] == old)
    assert entry["changes"] == {"name": {"before": old, "after": new}, "products": 3}
    assert entry["target_type"] == "category"
    assert entry["actor_email"] == staff.email


def test_a_rename_into_a_category_with_products_needs_merge(
    api: httpx.Client, shop: Shop, staff: Account
) -> None:
    lamps, lighting = new_category("lamps"), new_category("lighting")
    lamp = shop.product(category=lamps)["id"]
    light = shop.product(category=lighting)["id"]
    body: dict[str, Any] = {"name": lamps, "new_name": lighting}

    refused = assert_problem(api.post(RENAME, json=body, headers=staff.headers), 409)
    assert "merge" in refused["detail"]
    assert categories_of(api, staff.headers, lamp, light) == [lamps, lighting]

    merged = api.post(RENAME, json={**body, "merge": True}, headers=staff.headers)
    assert merged.status_code == 200, merged.text
    assert merged.json() == {"name": lighting, "product_count": 2}
    assert categories_of(api, staff.headers, lamp, light) == [lighting, lighting]


def test_bad_renames_are_refused_and_change_nothing(
    api: httpx.Client, shop: Shop, staff: Account, customer: Account
) -> None:
    name = new_category("kept")
    product = shop.product(category=name)["id"]
    missing = new_category("nobody")

    def rename(body: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
        return api.post(RENAME, json=body, headers=staff.headers if headers is None else headers)

    assert_problem(rename({"name": name, "new_name": "  "}), 422, field="new_name")
    assert_problem(rename({"name": name, "new_name": "x" * 101}), 422, field="new_name")
    assert_problem(rename({"name": name}), 422, field="new_name")
    assert_problem(rename({"name": name, "new_name": "y", "merge": "maybe"}), 422, field="merge")
    gone = assert_problem(rename({"name": missing, "new_name": new_category()}), 404)
    assert missing in gone["detail"]
    assert_problem(rename({"name": name, "new_name": "z"}, customer.headers), 403)
    assert_problem(rename({"name": name, "new_name": "z"}, {}), 401)
    assert categories_of(api, staff.headers, product) == [name]
    # The same name: nothing to move, so nothing happens (no event), as a PATCH of a value
    # to itself.
    same = rename({"name": name, "new_name": name})
    assert same.status_code == 200 and same.json() == {"name": name, "product_count": 1}
    assert (
        api.get(
            f"{API}/events",
            params={"type": "product.updated", "resource_id": product},
            headers=staff.headers,
        ).json()["data"]
        == []
    )
