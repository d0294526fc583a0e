"""The audit trail: what staff and admins change (and every login, failed login, role
change and API key) is recorded with actor, before/after, IP, request id and time;
admins read it through GET /api/v1/audit, and nobody can change it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, new_category, new_sku


@pytest.fixture
def shop(api: httpx.Client, admin_headers: dict[str, str]) -> Shop:
    return Shop(api, admin_headers)


def trail(api: httpx.Client, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = api.get(f"{API}/audit", params={"limit": 100, **params}, headers=headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def only(records: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(records) == 1, records
    return records[0]


def request_id() -> str:
    return f"audit-test-{uuid.uuid4().hex}"


def test_a_staff_product_update_is_recorded_with_before_and_after(
    api: httpx.Client, admin_headers: dict[str, str], staff: Account
) -> None:
    body = {"sku": new_sku(), "name": "Lamp", "price": "10.00", "category": new_category()}
    created = api.post(f"{API}/products", json=body, headers=staff.headers)
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]

    rid = request_id()
    response = api.patch(
        f"{API}/products/{product_id}",
        json={"name": "Desk lamp", "price": "12.50", "category": body["category"]},
        headers={**staff.headers, "X-Request-ID": rid},
    )
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == rid

    record = only(trail(api, admin_headers, target_id=product_id, action="product.update"))
    assert record["actor_id"] == staff.id
    assert record["actor_email"] == staff.email
    assert record["target_type"] == "product"
    # Only what changed: the category was sent unchanged.
    assert record["changes"] == {
        "name": {"before": "Lamp", "after": "Desk lamp"},
        "price": {"before": "10.00", "after": "12.50"},
    }
    assert record["request_id"] == rid
    assert record["ip"] == "127.0.0.1"
    created_at = datetime.fromisoformat(record["created_at"])
    assert abs(datetime.now(UTC) - created_at) < timedelta(minutes=5)

    creation = only(trail(api, admin_headers, target_id=product_id, action="product.create"))
    assert creation["changes"]["sku"] == {"before": None, "after": body["sku"]}
    assert creation["request_id"] == created.headers["x-request-id"]

    # The record is the one GET /audit/{id} answers with.
    one = api.get(f"{API}/audit/{record['id']}", headers=admin_headers)
    assert one.status_code == 200, one.text
    assert one.json() == record

    # A change that changes nothing leaves no record.
    same = api.patch(
        f"{API}/products/{product_id}", json={"name": "Desk lamp"}, headers=staff.headers
    )
    assert same.status_code == 200, same.text
    assert len(trail(api, admin_headers, target_id=product_id, action="product.update")) == 1


def test_a_failed_update_leaves_no_record(
    api: httpx.Client, admin_headers: dict[str, str], shop: Shop
) -> None:
    first, second = shop.product(), shop.product()
    clash = api.patch(
        f"{API}/products/{second['id']}", json={"sku": first["sku"]}, headers=admin_headers
    )
    assert_problem(clash, 409)
    assert trail(api, admin_headers, target_id=second["id"], action="product.update") == []


def test_role_change_suspension_and_rename_by_an_admin(
    api: httpx.Client, admin_headers: dict[str, str], customer: Account
) -> None:
    admin_id = api.get(f"{API}/users/me", headers=admin_headers).json()["id"]
    rid = request_id()
    response = api.patch(
        f"{API}/users/{customer.id}",
        json={"role": "staff", "status": "suspended", "name": "Renamed"},
        headers={**admin_headers, "X-Request-ID": rid},
    )
    assert response.status_code == 200, response.text

    records = {r["action"]: r for r in trail(api, admin_headers, target_id=customer.id)}
    assert records["user.role_change"]["changes"] == {
        "role": {"before": "customer", "after": "staff"}
    }
    assert records["user.suspend"]["changes"] == {
        "status": {"before": "active", "after": "suspended"}
    }
    assert records["user.update"]["changes"] == {
        "name": {"before": "Test User", "after": "Renamed"}
    }
    for action in ("user.role_change", "user.suspend", "user.update"):
        assert records[action]["actor_id"] == admin_id
        assert records[action]["target_type"] == "user"
        assert records[action]["request_id"] == rid

    # A suspended account's sign-in fails like a wrong password, and is recorded as such.
    login = {"email": customer.email, "password": customer.password}
    assert_problem(api.post(f"{API}/auth/login", json=login), 401)
    refused = only(trail(api, admin_headers, target_id=customer.id, action="auth.login_failed"))
    assert refused["changes"] == {"reason": "suspended"}

    back = api.patch(f"{API}/users/{customer.id}", json={"status": "active"}, headers=admin_headers)
    assert back.status_code == 200, back.text
    activated = only(trail(api, admin_headers, target_id=customer.id, action="user.activate"))
    assert activated["changes"] == {"status": {"before": "suspended", "after": "active"}}


def test_a_customer_changing_their_own_name_is_not_audited(
    api: httpx.Client, admin_headers: dict[str, str], customer: Account
) -> None:
    response = api.patch(
        f"{API}/users/{customer.id}", json={"name": "Just Me"}, headers=customer.headers
    )
    assert response.status_code == 200, response.text
    assert trail(api, admin_headers, target_id=customer.id, action="user.update") == []


def test_admin_creates_and_deletes_a_user(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    email = f"audit-{uuid.uuid4().hex[:10]}@example.com"
    password = "created-secret-pw-1"
    created = api.post(
        f"{API}/users",
        json={"email": email, "password": password, "name": "Made", "role": "staff"},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    record = only(trail(api, admin_headers, target_id=user_id, action="user.create"))
    assert record["changes"]["role"] == {"before": None, "after": "staff"}
    assert record["changes"]["email"] == {"before": None, "after": email}

    assert api.delete(f"{API}/users/{user_id}", headers=admin_headers).status_code == 204
    deleted = only(trail(api, admin_headers, target_id=user_id, action="user.delete"))
    assert deleted["changes"]["email"] == {"before": email, "after": None}
    everything = json.dumps(trail(api, admin_headers, target_id=user_id))
    assert password not in everything
    assert "password_hash" not in everything and "$argon2" not in everything


def test_logins_and_a_failed_login_although_it_answered_401(
    api: httpx.Client, admin_headers: dict[str, str], customer: Account
) -> None:
    wrong = "not-the-password-xyz"
    rid = request_id()
    response = api.post(
        f"{API}/auth/login",
        json={"email": customer.email, "password": wrong},
        headers={"X-Request-ID": rid},
    )
    assert_problem(response, 401)

    failed = only(trail(api, admin_headers, target_id=customer.id, action="auth.login_failed"))
    assert failed["actor_id"] is None
    assert failed["actor_email"] == customer.email
    assert failed["target_type"] == "user"
    assert failed["request_id"] == rid
    assert failed["ip"] == "127.0.0.1"
    assert failed["changes"] == {"reason": "bad_password"}
    assert wrong not in json.dumps(failed)

    # An email nobody has is recorded too, as the email that was tried.
    stranger = f"nobody-{uuid.uuid4().hex[:10]}@example.com"
    assert_problem(api.post(f"{API}/auth/login", json={"email": stranger, "password": wrong}), 401)
    tried = [r for r in trail(api, admin_headers, action="auth.login_failed")]
    unknown = only([r for r in tried if r["actor_email"] == stranger])
    assert (unknown["actor_id"], unknown["target_id"]) == (None, None)
    assert unknown["changes"] == {"reason": "unknown_email"}

    # Successful sign-ins: the make_user fixture signed the customer in once.
    logins = trail(api, admin_headers, target_id=customer.id, action="auth.login")
    assert [r["action"] for r in logins] == ["auth.login"]  # the prefix is a whole part
    assert logins[0]["actor_id"] == customer.id
    assert customer.password not in json.dumps(logins)


def test_api_keys_of_every_caller_are_audited_without_their_secret(
    api: httpx.Client, admin_headers: dict[str, str], customer: Account
) -> None:
    created = api.post(
        f"{API}/api-keys", json={"name": "ci", "scopes": ["account:read"]}, headers=customer.headers
    )
    assert created.status_code == 201, created.text
    key = created.json()
    record = only(trail(api, admin_headers, target_id=key["id"], action="api_key.create"))
    assert record["actor_id"] == customer.id
    assert record["target_type"] == "api_key"
    assert record["changes"]["name"] == {"before": None, "after": "ci"}
    assert record["changes"]["scopes"] == {"before": None, "after": ["account:read"]}

    revoked = api.delete(f"{API}/api-keys/{key['id']}", headers=customer.headers)
    assert revoked.status_code == 204, revoked.text
    revocation = only(trail(api, admin_headers, target_id=key["id"], action="api_key.revoke"))
    assert revocation["actor_id"] == customer.id
    assert revocation["changes"]["revoked_at"]["after"]

    everything = json.dumps(trail(api, admin_headers, actor_id=customer.id))
    assert key["key"] not in everything
    assert key["key"][len(key["prefix"]) :] not in everything


def test_passwords_never_reach_the_trail(
    api: httpx.Client, admin_headers: dict[str, str], make_user: Callable[..., Account]
) -> None:
    member = make_user(role="staff")
    own = "staff-new-password-1"
    changed = api.post(
        f"{API}/users/{member.id}/password",
        json={"current_password": member.password, "new_password": own},
        headers=member.headers,
    )
    assert changed.status_code == 204, changed.text
    record = only(trail(api, admin_headers, target_id=member.id, action="user.password_change"))
    assert record["actor_id"] == member.id and record["changes"] is None

    reset = "admin-set-password-1"
    response = api.post(
        f"{API}/users/{member.id}/password", json={"new_password": reset}, headers=admin_headers
    )
    assert response.status_code == 204, response.text
    only(trail(api, admin_headers, target_id=member.id, action="user.password_reset"))

    everything = json.dumps(trail(api, admin_headers, target_id=member.id))
    for secret in (member.password, own, reset):
        assert secret not in everything


def test_sessions_revoked_and_logout(
    api: httpx.Client, admin_headers: dict[str, str], customer: Account
) -> None:
    second = api.post(
        f"{API}/auth/login", json={"email": customer.email, "password": customer.password}
    )
    assert second.status_code == 200, second.text
    sessions = api.get(f"{API}/auth/sessions", headers=customer.headers).json()["data"]
    other = next(s for s in sessions if not s["current"])
    assert (
        api.delete(f"{API}/auth/sessions/{other['id']}", headers=customer.headers).status_code
        == 204
    )
    record = only(trail(api, admin_headers, target_id=other["id"], action="session.revoke"))
    assert record["actor_id"] == customer.id

    assert api.post(f"{API}/auth/logout", headers=customer.headers).status_code == 204
    logouts = trail(api, admin_headers, actor_id=customer.id, action="auth.logout")
    assert len(logouts) == 1 and logouts[0]["target_type"] == "session"


def test_catalog_inventory_orders_and_refunds(
    api: httpx.Client, admin_headers: dict[str, str], shop: Shop, staff: Account, customer: Account
) -> None:
    product = shop.product(price="20.00", stock=5)
    adjusted = api.post(
        f"{API}/products/{product['id']}/inventory/adjustments",
        json={"delta": 3, "reason": "recount", "low_stock_threshold": 2},
        headers=staff.headers,
    )
    assert adjusted.status_code == 201, adjusted.text
    record = only(trail(api, admin_headers, target_id=product["id"], action="inventory.adjust"))
    assert record["actor_id"] == staff.id
    assert record["changes"] == {
        "on_hand": {"before": 5, "after": 8},
        "low_stock_threshold": {"before": 5, "after": 2},
        "delta": 3,
        "reason": "recount",
    }

    order, payment = shop.paid_order(customer, (product["id"], 1))
    for verb, body in (
        ("fulfill", None),
        ("ship", {"carrier": "DHL", "tracking_number": "T-1"}),
        ("deliver", None),
    ):
        moved = api.post(f"{API}/orders/{order['id']}/{verb}", json=body, headers=staff.headers)
        assert moved.status_code == 200, moved.text
    records = {r["action"]: r for r in trail(api, admin_headers, target_id=order["id"])}
    assert records["order.fulfill"]["changes"] == {
        "status": {"before": "paid", "after": "fulfilled"}
    }
    assert records["order.ship"]["changes"] == {
        "status": {"before": "fulfilled", "after": "shipped"},
        "carrier": {"before": None, "after": "DHL"},
        "tracking_number": {"before": None, "after": "T-1"},
    }
    assert records["order.deliver"]["changes"] == {
        "status": {"before": "shipped", "after": "delivered"}
    }
    assert {r["actor_id"] for r in records.values()} == {staff.id}

    refund = api.post(
        f"{API}/payments/{payment['id']}/refunds",
        json={"amount": "5.00", "reason": "scratched"},
        headers=staff.headers,
    )
    assert refund.status_code == 201, refund.text
    refunded = only(trail(api, admin_headers, target_id=payment["id"], action="payment.refund"))
    assert refunded["target_type"] == "payment"
    assert refunded["changes"]["refunded_amount"] == {"before": "0.00", "after": "5.00"}
    assert refunded["changes"]["refund_id"] == refund.json()["id"]
    assert refunded["changes"]["reason"] == "scratched"

    pending = shop.order(customer, (product["id"], 1))
    cancelled = api.post(f"{API}/orders/{pending['id']}/cancel", headers=staff.headers)
    assert cancelled.status_code == 200, cancelled.text
    cancel = only(trail(api, admin_headers, target_id=pending["id"], action="order.cancel"))
    assert cancel["changes"] == {"status": {"before": "pending", "after": "cancelled"}}

    # Orders refer to the product: deleting archives it.
    gone = api.delete(f"{API}/products/{product['id']}", headers=staff.headers)
    assert gone.json()["result"] == "archived"
    archive = only(trail(api, admin_headers, target_id=product["id"], action="product.archive"))
    assert archive["changes"] == {"status": {"before": "active", "after": "archived"}}
    unused = shop.product()
    assert api.delete(f"{API}/products/{unused['id']}", headers=staff.headers).status_code == 200
    deleted = only(trail(api, admin_headers, target_id=unused["id"], action="product.delete"))
    assert deleted["changes"]["sku"] == {"before": unused["sku"], "after": None}


def test_a_batch_upsert_is_one_record_with_counts(
    api: httpx.Client, admin_headers: dict[str, str], shop: Shop, staff: Account
) -> None:
    existing = shop.product(name="Old")
    category = new_category()
    items = [
        {"sku": existing["sku"], "name": "New name", "price": "10.00", "category": category},
        {"sku": new_sku(), "name": "Fresh", "price": "3.00", "category": category},
        {"sku": new_sku(), "name": "Broken", "price": "-1", "category": category},
    ]
    dry = api.post(
        f"{API}/products/batch",
        json={"items": items, "dry_run": True, "create_categories": True},
        headers=staff.headers,
    )
    assert dry.status_code == 200, dry.text
    rid = request_id()
    response = api.post(
        f"{API}/products/batch",
        json={"items": items, "create_categories": True},
        headers={**staff.headers, "X-Request-ID": rid},
    )
    assert response.status_code == 200, response.text
    batches = [
        r for r in trail(api, admin_headers, actor_id=staff.id, action="product.batch_upsert")
    ]
    record = only(batches)  # the dry run changed nothing and left no record
    assert record["request_id"] == rid
    assert record["changes"] == {
        "items": 3,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "failed": 1,
    }


def test_a_profile_replaced_by_an_admin(
    api: httpx.Client, admin_headers: dict[str, str], customer: Account
) -> None:
    response = api.put(
        f"{API}/users/{customer.id}/profile",
        json={"bio": "VIP", "location": "Oslo"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    record = only(trail(api, admin_headers, target_id=customer.id, action="user.profile_update"))
    assert record["changes"] == {
        "bio": {"before": None, "after": "VIP"},
        "location": {"before": None, "after": "Oslo"},
    }
    own = api.put(
        f"{API}/users/{customer.id}/profile", json={"bio": "me"}, headers=customer.headers
    )
    assert own.status_code == 200, own.text
    assert len(trail(api, admin_headers, target_id=customer.id, action="user.profile_update")) == 1
