"""POST /products/batch: upsert by SKU, per-item results, dry runs."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, new_category, new_sku


def items(n: int, category: str, **fields: Any) -> list[dict[str, Any]]:
    return [
        {"sku": new_sku("b"), "name": f"Batch {i}", "price": "1.50", "category": category, **fields}
        for i in range(n)
    ]


def batch(api: httpx.Client, headers: dict[str, str], rows: list[Any], **kw: Any) -> httpx.Response:
    """The tests' rows bring categories of their own; the rule about those has its test."""
    kw.setdefault("create_categories", True)
    return api.post(f"{API}/products/batch", json={"items": rows, **kw}, headers=headers)


def in_category(api: httpx.Client, shop: Shop, category: str) -> list[dict[str, Any]]:
    response = api.get(
        f"{API}/products", params={"category": category, "limit": 100}, headers=shop.headers
    )
    assert response.status_code == 200
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_mixed_batch_reports_each_item(api: httpx.Client, shop: Shop, staff: Account) -> None:
    category = new_category()
    existing = shop.product(category=category, price="5.00", stock=7)
    rows: list[Any] = [
        {"sku": new_sku(), "name": "New", "price": "2.00", "category": category, "stock": 3},
        {"sku": existing["sku"], "name": existing["name"], "price": "6.00", "category": category},
        {"sku": new_sku(), "name": "No price", "category": category},
        {"sku": new_sku(), "name": "Bad price", "price": "abc", "category": category},
        {
            "sku": new_sku(),
            "name": "Bad currency",
            "price": "1",
            "currency": "XYZ",
            "category": category,
        },
        {"sku": new_sku(), "name": "Extra", "price": "1", "category": category, "colour": "red"},
        {"name": "No SKU", "price": "1", "category": category},
    ]
    response = batch(api, staff.headers, rows)
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["created"], out["updated"], out["unchanged"], out["failed"]) == (1, 1, 0, 5)
    results = out["results"]
    assert [r["index"] for r in results] == list(range(len(rows)))
    assert [r["result"] for r in results] == ["created", "updated"] + ["error"] * 5
    assert results[0]["sku"] == rows[0]["sku"] and results[0]["id"]
    assert results[1]["id"] == existing["id"]
    assert results[6]["sku"] is None

    def error_fields(index: int) -> set[str]:
        return {loc for err in results[index]["errors"] for loc in err["loc"]}

    assert "price" in error_fields(2)
    assert "price" in error_fields(3)
    assert "currency" in error_fields(4)
    assert "colour" in error_fields(5)
    assert "sku" in error_fields(6)
    for r in results[:2]:
        assert r["errors"] is None

    created = api.get(f"{API}/products/{results[0]['id']}").json()
    assert (created["price"], created["inventory"]["on_hand"]) == ("2.00", 3)
    updated = api.get(f"{API}/products/{existing['id']}").json()
    assert updated["price"] == "6.00"
    assert updated["inventory"]["on_hand"] == 7
    assert {p["sku"] for p in in_category(api, shop, category)} == {rows[0]["sku"], existing["sku"]}
    ledger = api.get(
        f"{API}/products/{results[0]['id']}/inventory/adjustments", headers=staff.headers
    ).json()["data"]
    assert [(m["kind"], m["delta"], m["actor_id"]) for m in ledger] == [("initial", 3, staff.id)]


async def _twice_at_once(url: str, body: Any, headers: dict[str, str]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        sent = (client.post(f"{API}/products/batch", json=body, headers=headers) for _ in "ab")
        return list(await asyncio.gather(*sent))


def test_racing_batches_create_each_sku_once(
    api: httpx.Client, shop: Shop, server_url: str, admin_headers: dict[str, str]
) -> None:
    """Two batches creating the same new SKUs at once: one creates them; the other is
    told to retry (409), or, if it ran after, finds them there. Never a second product,
    stock ledger entry or `product.created` event, never a 500."""
    for _ in range(3):
        category = new_category()
        rows = items(40, category, stock=4)
        body = {"items": rows, "create_categories": True}
        answers = asyncio.run(_twice_at_once(server_url, body, shop.headers))
        assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers]
        created = [a.json()["created"] for a in answers if a.status_code == 200]
        assert sorted(created)[-1] == len(rows) and sum(created) == len(rows)
        products = in_category(api, shop, category)
        assert sorted(p["sku"] for p in products) == sorted(r["sku"] for r in rows)
        assert {p["inventory"]["on_hand"] for p in products} == {4}
        for product in products[:3]:
            answer = api.get(
                f"{API}/events",
                params={"type": "product.created", "resource_id": product["id"]},
                headers=admin_headers,
            )
            assert answer.status_code == 200, answer.text
            (event,) = answer.json()["data"]
            assert event["data"]["sku"] == product["sku"]
            assert event["data"]["inventory"]["on_hand"] == 4
            ledger = api.get(
                f"{API}/products/{product['id']}/inventory/adjustments", headers=admin_headers
            )
            assert ledger.status_code == 200, ledger.text
            assert [m["delta"] for m in ledger.json()["data"]] == [4]


def test_rerunning_the_same_items_changes_nothing(api: httpx.Client, shop: Shop) -> None:
    category = new_category()
    rows = items(3, category, stock=4, attributes={"a": 1}, description="d")
    assert batch(api, shop.headers, rows).json()["created"] == 3
    again = batch(api, shop.headers, rows)
    assert again.status_code == 200, again.text
    out = again.json()
    assert (out["created"], out["updated"], out["unchanged"], out["failed"]) == (0, 0, 3, 0)
    assert {r["result"] for r in out["results"]} == {"unchanged"}
    # stock is set only on create: a re-import never resets live stock
    product = in_category(api, shop, category)[0]
    assert shop.adjust(product["id"], -1).status_code == 201
    batch(api, shop.headers, rows)
    assert shop.inventory(product["id"])["on_hand"] == 3


def test_dry_run_changes_nothing(api: httpx.Client, shop: Shop) -> None:
    category = new_category()
    existing = shop.product(category=category, price="5.00")
    rows: list[Any] = [
        *items(2, category),
        {"sku": existing["sku"], "price": "9.00"},
        {"sku": new_sku(), "price": "bad"},
    ]
    response = batch(api, shop.headers, rows, dry_run=True)
    assert response.status_code == 200, response.text
    out = response.json()
    assert [r["result"] for r in out["results"]] == ["valid", "valid", "valid", "error"]
    assert (out["created"], out["updated"], out["failed"]) == (0, 0, 1)
    assert [p["id"] for p in in_category(api, shop, category)] == [existing["id"]]
    assert api.get(f"{API}/products/{existing['id']}").json()["price"] == "5.00"


def test_repeated_sku_in_one_batch(api: httpx.Client, shop: Shop) -> None:
    category = new_category()
    row = items(1, category)[0]
    out = batch(api, shop.headers, [row, {**row, "price": "2.00"}]).json()
    assert [r["result"] for r in out["results"]] == ["created", "error"]
    assert "repeated" in out["results"][1]["errors"][0]["msg"]
    assert in_category(api, shop, category)[0]["price"] == "1.50"


def test_batch_update_rounds_like_patch(api: httpx.Client, shop: Shop) -> None:
    """A currency change re-rounds the price, whether made by PATCH or by batch."""
    by_patch, by_batch = shop.product(price="19.99"), shop.product(price="19.99")
    patched = api.patch(
        f"{API}/products/{by_patch['id']}", json={"currency": "JPY"}, headers=shop.headers
    )
    assert patched.json()["price"] == "20"
    out = batch(api, shop.headers, [{"sku": by_batch["sku"], "currency": "JPY"}]).json()
    assert out["results"][0]["result"] == "updated"
    assert api.get(f"{API}/products/{by_batch['id']}").json()["price"] == "20"


def test_a_thousand_items(api: httpx.Client, shop: Shop) -> None:
    category = new_category()
    rows = items(1000, category)
    response = batch(api, shop.headers, rows)
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["created"], out["failed"], len(out["results"])) == (1000, 0, 1000)
    assert [r["index"] for r in out["results"]] == list(range(1000))
    count = api.get(f"{API}/categories", params={"limit": 100}, headers=shop.headers)
    cursor = None
    counts: dict[str, int] = {}
    while True:
        counts.update({c["name"]: c["product_count"] for c in count.json()["data"]})
        cursor = count.json()["next_cursor"]
        if not cursor or category in counts:
            break
        count = api.get(f"{API}/categories", params={"limit": 100, "cursor": cursor})
    assert counts[category] == 1000


def test_batch_limits_and_shape(api: httpx.Client, shop: Shop, customer: Account) -> None:
    category = new_category()
    too_many = batch(api, shop.headers, items(1001, category))
    assert_problem(too_many, 422, field="items")
    assert in_category(api, shop, category) == []
    assert_problem(batch(api, shop.headers, []), 422, field="items")
    assert_problem(batch(api, shop.headers, ["not an object"]), 422, field="items")
    assert_problem(
        api.post(
            f"{API}/products/batch",
            json={"items": items(1, category), "mode": "x"},
            headers=shop.headers,
        ),
        422,
        field="mode",
    )
    assert_problem(
        batch(api, shop.headers, items(1, category), dry_run="perhaps"), 422, field="dry_run"
    )
    assert_problem(batch(api, customer.headers, items(1, category)), 403)
    assert_problem(batch(api, {}, items(1, category)), 401)
    assert in_category(api, shop, category) == []


def test_nulls_in_an_update_are_item_errors(api: httpx.Client, shop: Shop) -> None:
    category = new_category()
    existing = shop.product(category=category, name="Keep me")
    fresh = items(1, category)[0]
    response = batch(api, shop.headers, [{"sku": existing["sku"], "name": None}, fresh])
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["error", "created"]
    assert {loc for err in results[0]["errors"] for loc in err["loc"]} >= {"name"}
    assert api.get(f"{API}/products/{existing['id']}").json()["name"] == "Keep me"


def test_an_unknown_category_fails_unless_allowed(api: httpx.Client, shop: Shop) -> None:
    known = shop.product()["category"]
    fresh = new_category()
    rows = [*items(1, known), *items(1, fresh), *items(1, f"  {known}  ")]
    response = batch(api, shop.headers, rows, create_categories=False)
    assert response.status_code == 200, response.text
    out = response.json()
    assert [r["result"] for r in out["results"]] == ["created", "error", "created"]
    assert out["results"][1]["errors"] == [
        {
            "loc": ["category"],
            "msg": f"unknown category {fresh!r} (create_categories allows new ones)",
        }
    ]
    assert in_category(api, shop, fresh) == []
    # Moving an existing product to a new category is refused the same way.
    moved = batch(
        api, shop.headers, [{"sku": rows[0]["sku"], "category": fresh}], create_categories=False
    )
    assert moved.json()["results"][0]["result"] == "error"
    allowed = batch(api, shop.headers, [rows[1]], create_categories=True)
    assert allowed.json()["created"] == 1
    assert [p["sku"] for p in in_category(api, shop, fresh)] == [rows[1]["sku"]]
    assert_problem(
        batch(api, shop.headers, rows, create_categories="maybe"), 422, field="create_categories"
    )
