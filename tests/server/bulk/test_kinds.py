"""The inventory, prices, fulfillment and users imports and the inventory, orders,
users, events and audit exports, through the HTTP API as a CI script runs them."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Mapping
from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.server.bulk.helpers import finished, start_import
from tests.server.commerce.conftest import API, Shop, new_sku
from tests.server.conftest import unique_email


def report(api: httpx.Client, headers: Any, job_id: str) -> dict[str, dict[str, str]]:
    """The per-row report, by row number."""
    answer = api.get(f"{API}/bulk/jobs/{job_id}/result", headers=headers)
    assert answer.status_code == 200, answer.text
    return {r["row"]: r for r in csv.DictReader(io.StringIO(answer.text))}


def run_import(api: httpx.Client, headers: Any, kind: str, text: str) -> dict[str, Any]:
    answer = start_import(api, headers, text.encode(), kind=kind, filename=f"{kind}.csv")
    assert answer.status_code == 202, answer.text
    job = finished(api, headers, answer.json()["id"])
    assert job["status"] == "succeeded", job
    return job


def export(api: httpx.Client, headers: Any, kind: str, **filters: Any) -> list[dict[str, Any]]:
    body = {"kind": kind, "format": "jsonl", "filters": filters}
    answer = api.post(f"{API}/bulk/exports", json=body, headers=headers)
    assert answer.status_code == 202, answer.text
    job = finished(api, headers, answer.json()["id"])
    assert job["status"] == "succeeded", job
    result = api.get(f"{API}/bulk/jobs/{job['id']}/result", headers=headers)
    return [json.loads(line) for line in result.text.splitlines()]


def ledger(shop: Shop, product_id: str) -> list[dict[str, Any]]:
    path = f"{API}/products/{product_id}/inventory/adjustments"
    answer = shop.api.get(path, params={"limit": 100}, headers=shop.headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["data"])


def columns_refused(api: httpx.Client, headers: Any, kind: str, text: str) -> None:
    answer = start_import(api, headers, text.encode(), kind=kind, filename="wrong.csv")
    body = assert_problem(answer, 422)
    assert body["type"] == "/problems/file-columns", body


def test_inventory_counts_with_five_bad_rows(
    api: httpx.Client, shop: Shop, staff: Account, customer: Account
) -> None:
    a, b, c, held = (shop.product(stock=10) for _ in range(4))
    shop.order(customer, (held["id"], 6))  # 6 reserved: a count of 2 is refused
    text = "\n".join(
        [
            "sku,on_hand",
            f"{a['sku']},40",  # 2
            f"{b['sku']},10",  # 3: unchanged
            f"{new_sku('nope')},5",  # 4: unknown
            f"{c['sku']},-1",  # 5: negative
            f"{c['sku']},many",  # 6: not a number
            f"{held['sku']},2",  # 7: below what is reserved
            f"{a['sku']},41",  # 8: repeated
            f"{c['sku']},0",  # 9
        ]
    )
    job = run_import(api, staff.headers, "inventory", text + "\n")
    assert job["counts"] == {"created": 0, "updated": 2, "unchanged": 1, "failed": 5}
    rows = report(api, staff.headers, job["id"])
    failed = {n: r for n, r in rows.items() if r["outcome"] == "failed"}
    assert sorted(failed) == ["4", "5", "6", "7", "8"]
    assert failed["4"]["error"] == "no product has this SKU"
    assert failed["5"]["key"] == c["sku"] and "on_hand" in failed["5"]["error"]
    assert "on_hand" in failed["6"]["error"]
    assert "reserved" in failed["7"]["error"]
    assert "repeated (row 2" in failed["8"]["error"]
    assert (rows["2"]["outcome"], rows["3"]["outcome"]) == ("updated", "unchanged")
    assert shop.inventory(a["id"])["on_hand"] == 40
    assert shop.inventory(c["id"])["on_hand"] == 0
    counted = ledger(shop, a["id"])[0]
    assert (counted["kind"], counted["delta"], counted["reason"]) == (
        "count",
        30,
        f"bulk job {job['id']}",
    )
    columns_refused(api, staff.headers, "inventory", "sku,stock\nA,1\n")
    columns_refused(api, staff.headers, "inventory", "on_hand\n1\n")


def test_two_inventory_imports_of_the_same_skus_lose_no_update(
    api: httpx.Client, shop: Shop, staff: Account
) -> None:
    products = [shop.product(stock=1) for _ in range(3)]
    first = "sku,on_hand\n" + "".join(f"{p['sku']},20\n" for p in products)
    second = "sku,on_hand\n" + "".join(f"{p['sku']},30\n" for p in products)
    jobs = [
        start_import(api, staff.headers, text.encode(), kind="inventory").json()["id"]
        for text in (first, second)
    ]
    for job_id in jobs:
        assert finished(api, staff.headers, job_id)["counts"]["updated"] == 3
    for product in products:
        moves = ledger(shop, product["id"])
        assert {m["reason"] for m in moves[:2]} == {f"bulk job {j}" for j in jobs}
        for before, after in itertools.pairwise(reversed(moves)):
            assert before["on_hand_after"] + after["delta"] == after["on_hand_after"]
        assert shop.inventory(product["id"])["on_hand"] == moves[0]["on_hand_after"]


def test_prices_by_sku(api: httpx.Client, shop: Shop, staff: Account) -> None:
    a, b = shop.product(price="10.00"), shop.product(price="3.00")
    text = "\n".join(
        [
            "sku,price,currency",
            f"{a['sku']},12.5,EUR",
            f"{b['sku']},3.00,USD",
            f"{b['sku']},abc,USD",
            f"{new_sku()},1.00,USD",
            f"{a['sku']},1.00,XXX",
        ]
    )
    job = run_import(api, staff.headers, "prices", text + "\n")
    assert job["counts"] == {"created": 0, "updated": 1, "unchanged": 1, "failed": 3}
    rows = report(api, staff.headers, job["id"])
    assert "price" in rows["4"]["error"] and "no product" in rows["5"]["error"]
    assert "currency" in rows["6"]["error"]
    now = api.get(f"{API}/products/{a['id']}").json()
    assert (now["price"], now["currency"]) == ("12.50", "EUR")
    columns_refused(api, staff.headers, "prices", "sku,price\nA,1\n")


def test_fulfillment_ships_paid_orders(
    api: httpx.Client, shop: Shop, staff: Account, customer: Account
) -> None:
    product = shop.product(stock=10)
    paid, _ = shop.paid_order(customer, (product["id"], 1))
    by_number, _ = shop.paid_order(customer, (product["id"], 1))
    pending = shop.order(customer, (product["id"], 1))
    text = "\n".join(
        [
            "order_id,carrier,tracking_number",
            f"{paid['id']},UPS,1Z999",
            f"{pending['id']},UPS,1Z998",
            "not-an-id,UPS,1Z997",
            f"{paid['id']},DHL,X",
            f"#{by_number['number']},DHL,JD01",  # the number people quote
            "#999999999999,DHL,JD02",
        ]
    )
    job = run_import(api, staff.headers, "fulfillment", text + "\n")
    assert job["counts"] == {"created": 0, "updated": 2, "unchanged": 0, "failed": 4}
    rows = report(api, staff.headers, job["id"])
    assert "is pending" in rows["3"]["error"] and "order_id" in rows["4"]["error"]
    assert "repeated" in rows["5"]["error"]
    assert (rows["6"]["key"], rows["6"]["outcome"]) == (f"#{by_number['number']}", "updated")
    assert rows["7"]["error"] == "Order #999999999999 does not exist."
    shipped = shop.get_order(paid["id"])
    assert (shipped["status"], shipped["carrier"], shipped["tracking_number"]) == (
        "shipped",
        "UPS",
        "1Z999",
    )
    assert shop.get_order(by_number["id"])["tracking_number"] == "JD01"
    # The warehouse sends its first line again: nothing changes.
    first_line = "\n".join(text.split("\n")[:2]) + "\n"
    again = run_import(api, staff.headers, "fulfillment", first_line)
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "failed": 0}
    columns_refused(api, staff.headers, "fulfillment", "order,carrier,tracking_number\n1,a,b\n")


def test_users_are_invited_by_an_admin_only(
    api: httpx.Client, admin_headers: Mapping[str, str], staff: Account
) -> None:
    new, taken = unique_email("inv"), staff.email
    text = "\n".join(
        [
            "email,name,role",
            f"{new},New Hire,staff",
            f"{taken},Someone,customer",
            "not-an-email,X,customer",
            f"{unique_email('r')},Y,emperor",
        ]
    )
    headers = dict(admin_headers)
    job = run_import(api, headers, "users", text + "\n")
    assert job["counts"] == {"created": 1, "updated": 0, "unchanged": 1, "failed": 2}
    rows = report(api, headers, job["id"])
    assert "email" in rows["4"]["error"] and "role" in rows["5"]["error"]
    found = api.get(f"{API}/users", params={"q": new}, headers=headers).json()["data"]
    assert [(u["email"], u["role"]) for u in found] == [(new, "staff")]
    sent = api.get(
        f"{API}/notifications", params={"template": "invitation", "limit": 100}, headers=headers
    )
    assert sent.status_code == 200, sent.text
    assert new in {n["recipient"] for n in sent.json()["data"]}
    assert_problem(start_import(api, staff.headers, text.encode(), kind="users"), 403)
    columns_refused(api, headers, "users", "email,password\na@b.test,x\n")


def test_exports(
    api: httpx.Client, shop: Shop, admin_headers: Mapping[str, str], customer: Account
) -> None:
    headers = dict(admin_headers)
    product = shop.product(stock=7)
    paid, _ = shop.paid_order(customer, (product["id"], 2))

    stock = {r["sku"]: r for r in export(api, headers, "inventory")}
    assert (stock[product["sku"]]["on_hand"], stock[product["sku"]]["available"]) == (7, 5)

    since = {"status": "paid", "created_after": paid["created_at"]}
    orders = export(api, headers, "orders", **since)
    mine = next(o for o in orders if o["id"] == paid["id"])
    assert {o["status"] for o in orders} == {"paid"}
    assert [(i["sku"], i["quantity"]) for i in mine["items"]] == [(product["sku"], 2)]
    assert mine["total"] == "20.00" and mine["number"] == paid["number"]

    people = export(api, headers, "users", role="customer")
    assert customer.email in {u["email"] for u in people}
    assert not any("password" in key for row in people for key in row)

    placed = export(api, headers, "events", type=["order.paid"], created_after=paid["created_at"])
    assert paid["id"] in {e["resource_id"] for e in placed}
    audited = export(api, headers, "audit", action="product")
    assert product["id"] in {a["target_id"] for a in audited}

    bad = api.post(
        f"{API}/bulk/exports",
        json={"kind": "orders", "filters": {"status": "lost"}},
        headers=headers,
    )
    assert_problem(bad, 422, field="status")


def test_the_document_names_every_registered_kind_and_mode(api: httpx.Client) -> None:
    from platform_server.bulk import catalog  # noqa: F401  (registers every kind)
    from platform_server.bulk.kinds import EXPORTS, IMPORTS
    from platform_server.bulk.schemas import EXPORT_KINDS, IMPORT_KINDS, IMPORT_MODES

    assert set(IMPORT_KINDS) == set(IMPORTS) and set(EXPORT_KINDS) == set(EXPORTS)
    assert {mode for kind in IMPORTS.values() for mode in kind.modes} == set(IMPORT_MODES)
    schemas = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    imports = schemas["BulkImportIn"]  # the form fields beside the file
    assert imports["properties"]["kind"]["enum"] == list(IMPORT_KINDS)
    assert imports["properties"]["format"]["enum"] == ["csv", "jsonl"]
    assert schemas["BulkExportIn"]["properties"]["kind"]["enum"] == list(EXPORT_KINDS)
