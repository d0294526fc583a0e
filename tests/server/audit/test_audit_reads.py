"""Reading the audit trail: filters, who may read it, bad filters, and that nothing
writes it through the API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem, bearer
from tests.server.audit.test_audit import trail
from tests.server.commerce.conftest import API, new_category, new_sku


def test_filters(api: httpx.Client, admin_headers: dict[str, str], staff: Account) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    body = {"sku": new_sku(), "name": "Filtered", "price": "1.00", "category": new_category()}
    product = api.post(f"{API}/products", json=body, headers=staff.headers).json()
    api.patch(f"{API}/products/{product['id']}", json={"name": "Filtered 2"}, headers=staff.headers)
    api.post(
        f"{API}/products/{product['id']}/inventory/adjustments",
        json={"delta": 1, "reason": "found one"},
        headers=staff.headers,
    )

    mine = trail(api, admin_headers, actor_id=staff.id)
    assert {r["actor_id"] for r in mine} == {staff.id}
    # The make_user fixture signed the staff member in: that login is theirs too.
    assert {r["action"] for r in mine} == {
        "auth.login",
        "product.create",
        "product.update",
        "inventory.adjust",
    }
    assert trail(api, admin_headers, actor_id=str(uuid.uuid4())) == []

    by_prefix = trail(api, admin_headers, actor_id=staff.id, action="product")
    assert sorted(r["action"] for r in by_prefix) == ["product.create", "product.update"]
    exact = trail(api, admin_headers, actor_id=staff.id, action="product.update")
    assert [r["action"] for r in exact] == ["product.update"]
    # A prefix matches whole parts only.
    assert trail(api, admin_headers, actor_id=staff.id, action="product.up") == []
    assert trail(api, admin_headers, actor_id=staff.id, action="prod") == []

    on_product = trail(api, admin_headers, target_type="product", target_id=product["id"])
    assert [r["action"] for r in on_product] == [
        "inventory.adjust",
        "product.update",
        "product.create",
    ]  # newest first
    assert trail(api, admin_headers, target_type="order", target_id=product["id"]) == []

    later = datetime.now(UTC) + timedelta(minutes=1)
    assert len(trail(api, admin_headers, actor_id=staff.id, created_after=before.isoformat())) == 4
    assert trail(api, admin_headers, actor_id=staff.id, created_after=later.isoformat()) == []
    assert trail(api, admin_headers, actor_id=staff.id, created_before=before.isoformat()) == []
    # Without a zone, times are UTC.
    naive = before.replace(tzinfo=None).isoformat()
    assert len(trail(api, admin_headers, actor_id=staff.id, created_after=naive)) == 4

    # Cursor pagination, newest first, without repeats.
    first = api.get(
        f"{API}/audit", params={"actor_id": staff.id, "limit": 3}, headers=admin_headers
    ).json()
    assert len(first["data"]) == 3 and first["next_cursor"]
    rest = api.get(
        f"{API}/audit",
        params={"actor_id": staff.id, "limit": 3, "cursor": first["next_cursor"]},
        headers=admin_headers,
    ).json()
    assert len(rest["data"]) == 1 and rest["next_cursor"] is None
    assert [r["id"] for r in first["data"] + rest["data"]] == [r["id"] for r in mine]


def test_only_admins_read_the_trail(
    api: httpx.Client, staff: Account, customer: Account, admin_headers: dict[str, str]
) -> None:
    record_id = trail(api, admin_headers)[0]["id"]
    for who in (staff, customer):
        assert_problem(api.get(f"{API}/audit", headers=who.headers), 403)
        assert_problem(api.get(f"{API}/audit/{record_id}", headers=who.headers), 403)
    assert_problem(api.get(f"{API}/audit"), 401)
    assert_problem(api.get(f"{API}/audit", headers=bearer("not-a-token")), 401)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"actor_id": "not-a-uuid"}, "actor_id"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "2026-13-45"}, "created_before"),
        ({"action": "Order Ship!"}, "action"),
        ({"action": "x" * 101}, "action"),
        ({"target_type": "a b"}, "target_type"),
        ({"target_id": "x" * 65}, "target_id"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"cursor": "garbage!"}, "cursor"),
        (
            {"created_after": "2026-02-01T00:00:00Z", "created_before": "2026-01-01T00:00:00Z"},
            "created_after",
        ),
    ],
)
def test_bad_filters_are_422(
    api: httpx.Client, admin_headers: dict[str, str], params: dict[str, Any], field: str
) -> None:
    response = api.get(f"{API}/audit", params=params, headers=admin_headers)
    assert_problem(response, 422, field=field)


def test_unknown_or_malformed_id(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    assert_problem(api.get(f"{API}/audit/{uuid.uuid4()}", headers=admin_headers), 404)
    assert_problem(api.get(f"{API}/audit/not-a-uuid", headers=admin_headers), 422, field="id")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_records_cannot_be_written_through_the_api(
    api: httpx.Client, admin_headers: dict[str, str], method: str
) -> None:
    record = trail(api, admin_headers)[0]
    for path in (f"{API}/audit", f"{API}/audit/{record['id']}"):
        response = api.request(method, path, json={"action": "forged"}, headers=admin_headers)
        assert_problem(response, 405)
    assert api.get(f"{API}/audit/{record['id']}", headers=admin_headers).json() == record
