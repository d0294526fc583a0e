"""API keys: creation, scopes, use as a bearer token, revocation, expiry."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from platform_server.core.permissions import permissions_for
from platform_server.core.security import new_api_key
from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import API

KEY_SHAPE = re.compile(r"^plat_[0-9A-Za-z]{36}$")


def role_scopes(role: str) -> list[str]:
    """The role's permissions, as core/permissions.py maps them (the documented source)."""
    return sorted(p.value for p in permissions_for(role))


def _create(api: httpx.Client, headers: dict[str, str], **body: Any) -> httpx.Response:
    body.setdefault("name", "ci")
    return api.post(f"{API}/api-keys", json=body, headers=headers)


def _key(api: httpx.Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = _create(api, headers, **body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _me(api: httpx.Client, secret: str) -> httpx.Response:
    return api.get(f"{API}/users/me", headers=bearer(secret))


def test_create_shows_the_secret_once(api: httpx.Client, customer: Account) -> None:
    created = _key(api, customer.headers, name="deploy bot")
    assert set(created) == {
        "id", "name", "prefix", "scopes", "expires_at", "last_used_at", "created_at", "key"
    }  # fmt: skip
    assert KEY_SHAPE.match(created["key"])
    assert created["key"].startswith(created["prefix"])
    assert created["prefix"].startswith("plat_") and len(created["prefix"]) < len(created["key"])
    assert created["name"] == "deploy bot"
    # Scopes default to the owner's read-only permissions (least privilege).
    assert created["scopes"] == ["account:read"]
    assert "account:write" in role_scopes("customer")
    assert created["expires_at"] is None and created["last_used_at"] is None
    listed = api.get(f"{API}/api-keys", headers=customer.headers)
    assert listed.status_code == 200
    page = listed.json()
    assert [k["id"] for k in page["data"]] == [created["id"]]
    assert "key" not in page["data"][0]
    assert created["key"] not in listed.text
    assert page["data"][0] == {k: v for k, v in created.items() if k != "key"}


def test_a_key_authenticates_as_its_owner(api: httpx.Client, customer: Account) -> None:
    created = _key(api, customer.headers)
    me = _me(api, created["key"])
    assert me.status_code == 200
    assert me.json()["id"] == customer.id
    # last_used_at is set by the use.
    listed = api.get(f"{API}/api-keys", headers=customer.headers).json()["data"]
    assert listed[0]["last_used_at"] is not None
    assert listed[0]["last_used_at"] >= created["created_at"]
    # A key can manage the owner's keys too (it has account:write).
    assert api.get(f"{API}/api-keys", headers=bearer(created["key"])).status_code == 200


def test_narrow_scopes_restrict_a_key(api: httpx.Client, staff: Account) -> None:
    assert api.get(f"{API}/users", headers=staff.headers).status_code == 200
    read_only = _key(api, staff.headers, scopes=["account:read"])
    assert read_only["scopes"] == ["account:read"]
    assert _me(api, read_only["key"]).status_code == 200
    assert_problem(api.get(f"{API}/users", headers=bearer(read_only["key"])), 403)
    patch = api.patch(
        f"{API}/users/{staff.id}", json={"name": "x"}, headers=bearer(read_only["key"])
    )
    assert_problem(patch, 403)
    # And a key cannot mint a wider key than itself.
    assert_problem(_create(api, bearer(read_only["key"])), 403)
    default = _key(api, staff.headers)
    assert default["scopes"] == ["account:read", "events:read", "stats:read", "users:read"]
    assert_problem(api.post(f"{API}/products", json={}, headers=bearer(default["key"])), 403)
    full = _key(api, staff.headers, scopes=role_scopes("staff"))
    assert full["scopes"] == role_scopes("staff")
    assert "users:read" in full["scopes"] and "users:write" not in full["scopes"]
    assert api.get(f"{API}/users", headers=bearer(full["key"])).status_code == 200
    # Not even a narrower one: a key minting keys could outlive its own expiry.
    minted = _create(api, bearer(full["key"]), scopes=["users:read", "account:write"])
    assert "cannot create API keys" in assert_problem(minted, 403)["detail"]


def test_a_role_change_narrows_a_key_at_once(
    api: httpx.Client, staff: Account, admin_headers: dict[str, str]
) -> None:
    key = _key(api, staff.headers)["key"]
    assert api.get(f"{API}/users", headers=bearer(key)).status_code == 200
    api.patch(f"{API}/users/{staff.id}", json={"role": "customer"}, headers=admin_headers)
    assert_problem(api.get(f"{API}/users", headers=bearer(key)), 403)
    assert _me(api, key).status_code == 200


def test_scopes_beyond_the_owners_are_a_403(
    api: httpx.Client, shared_customer: Account, shared_staff: Account
) -> None:
    assert_problem(_create(api, shared_customer.headers, scopes=["users:read"]), 403)
    assert_problem(_create(api, shared_staff.headers, scopes=["users:write"]), 403)
    assert api.get(f"{API}/api-keys", headers=shared_customer.headers).json()["data"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scopes": ["account:read", "root"]}, "scopes"),
        ({"scopes": "account:read"}, "scopes"),
        ({"scopes": [f"s{i}" for i in range(51)]}, "scopes"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": None}, "name"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"expires_at": "2999-01-01T00:00:00"}, "expires_at"),
        ({"expires_at": "tomorrow"}, "expires_at"),
        ({"owner": "someone"}, "owner"),
    ],
)
def test_create_rejects_bad_input(
    api: httpx.Client, shared_customer: Account, body: dict[str, Any], field: str
) -> None:
    assert_problem(_create(api, shared_customer.headers, **body), 422, field=field)


def test_create_needs_a_name_and_a_sign_in(api: httpx.Client, shared_customer: Account) -> None:
    missing = api.post(f"{API}/api-keys", json={}, headers=shared_customer.headers)
    assert_problem(missing, 422, field="name")
    assert_problem(api.post(f"{API}/api-keys", json={"name": "x"}), 401)
    assert_problem(api.get(f"{API}/api-keys"), 401)


def test_an_expiring_key(api: httpx.Client, customer: Account) -> None:
    soon = datetime.now(UTC) + timedelta(days=1)
    created = _key(api, customer.headers, expires_at=soon.isoformat())
    assert datetime.fromisoformat(created["expires_at"]) == soon.replace(
        microsecond=soon.microsecond
    )
    assert _me(api, created["key"]).status_code == 200


def test_an_expired_key_is_a_401(api: httpx.Client, shared_customer: Account) -> None:
    # Long enough that the first call lands before expiry even on a loaded machine.
    expires = datetime.now(UTC) + timedelta(seconds=3)
    created = _key(api, shared_customer.headers, expires_at=expires.isoformat())
    assert _me(api, created["key"]).status_code == 200
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.1)
    assert_problem(_me(api, created["key"]), 401)


def test_a_revoked_key_is_a_401(api: httpx.Client, customer: Account) -> None:
    created = _key(api, customer.headers)
    assert _me(api, created["key"]).status_code == 200
    response = api.delete(f"{API}/api-keys/{created['id']}", headers=customer.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(_me(api, created["key"]), 401)
    assert api.get(f"{API}/api-keys", headers=customer.headers).json()["data"] == []
    assert_problem(api.delete(f"{API}/api-keys/{created['id']}", headers=customer.headers), 404)


def test_malformed_and_unknown_keys_are_a_401(api: httpx.Client, customer: Account) -> None:
    secret = _key(api, customer.headers)["key"]
    last = secret[-1]
    broken = secret[:-1] + ("A" if last != "A" else "B")
    body = assert_problem(_me(api, broken), 401)
    assert "checksum" in body["detail"]
    assert_problem(_me(api, secret[:-1]), 401)
    assert_problem(_me(api, secret + "0"), 401)
    # Well formed, but never issued.
    assert_problem(_me(api, new_api_key()), 401)
    assert _me(api, secret).status_code == 200


def test_keys_of_others(
    api: httpx.Client,
    make_user: Callable[..., Account],
    shared_customer: Account,
    admin_headers: dict[str, str],
) -> None:
    owner = make_user()
    theirs = _key(api, owner.headers)
    # Another customer neither sees nor revokes it.
    assert theirs["id"] not in {
        k["id"] for k in api.get(f"{API}/api-keys", headers=shared_customer.headers).json()["data"]
    }
    url = f"{API}/api-keys/{theirs['id']}"
    assert_problem(api.delete(url, headers=shared_customer.headers), 404)
    assert_problem(api.delete(f"{API}/api-keys/{uuid.uuid4()}", headers=owner.headers), 404)
    assert _me(api, theirs["key"]).status_code == 200
    # An admin may revoke it.
    assert api.delete(url, headers=admin_headers).status_code == 204
    assert_problem(_me(api, theirs["key"]), 401)


def test_deleting_a_user_removes_its_keys_and_sessions(
    api: httpx.Client, customer: Account, admin_headers: dict[str, str]
) -> None:
    secret = _key(api, customer.headers)["key"]
    assert api.delete(f"{API}/users/{customer.id}", headers=admin_headers).status_code == 204
    assert_problem(_me(api, secret), 401)
    assert_problem(_me(api, customer.access_token), 401)
    refreshed = api.post(f"{API}/auth/refresh", json={"refresh_token": customer.refresh_token})
    assert_problem(refreshed, 401)


def test_api_keys_list_paginates(api: httpx.Client, customer: Account) -> None:
    ids = [_key(api, customer.headers, name=f"k{i}")["id"] for i in range(3)]
    first = api.get(f"{API}/api-keys", params={"limit": 2}, headers=customer.headers).json()
    assert [k["id"] for k in first["data"]] == ids[::-1][:2]
    rest = api.get(
        f"{API}/api-keys",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=customer.headers,
    ).json()
    assert [k["id"] for k in rest["data"]] == [ids[0]]
    assert rest["next_cursor"] is None
