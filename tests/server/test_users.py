"""Users: registration, reading, listing, updating, deleting, roles and the last admin."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import (
    API,
    find_users,
    login,
    login_ok,
    own_server,
    register,
    unique_email,
)
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


# --- registration -------------------------------------------------------------------


def test_register_creates_an_unverified_customer(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    email = unique_email("Reg").replace("reg", "ReG")
    response = register(api, email=email, name="  Ada Lovelace  ")
    assert response.status_code == 202, response.text
    assert response.json() == {"detail": "Check your inbox to finish signing up."}
    assert "password" not in response.text
    # The new user can sign in, with the email in any case, before verifying.
    login_ok(api, email.upper(), "tidal-lantern-42")
    [user] = find_users(api, admin_headers, email.lower())
    uuid.UUID(user["id"])
    assert (user["email"], user["name"]) == (email.lower(), "Ada Lovelace")
    assert (user["role"], user["status"]) == ("customer", "active")
    assert user["email_verified_at"] is None
    assert ISO_UTC.match(user["created_at"]) and ISO_UTC.match(user["updated_at"])


def test_registering_a_taken_email_in_any_case_answers_the_same(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    email = unique_email("dup")
    first = register(api, email=email)
    assert first.status_code == 202, first.text
    for variant in (email, email.upper(), email.title()):
        again = register(api, email=variant, password="another-password", name="Mallory")
        assert again.status_code == first.status_code
        assert again.json() == first.json()
        assert again.headers["content-type"] == first.headers["content-type"]
    # Nothing changed: one account, its name and password as registered first.
    [user] = find_users(api, admin_headers, email)
    assert user["name"] == "Registered User"
    login_ok(api, email, "tidal-lantern-42")


def test_staff_created_users_are_verified_and_a_taken_email_is_a_409(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    email = unique_email("staffmade")
    body = {"email": email, "password": "tidal-lantern-42", "name": "Made By Staff"}
    created = api.post(f"{API}/users", json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    user = created.json()
    assert set(user) == {
        "id", "email", "name", "role", "status", "email_verified_at", "created_at", "updated_at"
    }  # fmt: skip
    assert ISO_UTC.match(user["email_verified_at"])
    for variant in (email, email.upper()):
        taken = api.post(f"{API}/users", json={**body, "email": variant}, headers=admin_headers)
        problem = assert_problem(taken, 409, field="email")
        assert problem["type"] == "/problems/conflict"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@example.com"}, "email"),
        ({"email": 42}, "email"),
        ({"name": "x" * 256}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"password": "short"}, "password"),
        ({"password": "p" * 1025}, "password"),
        ({"password": 12345678}, "password"),
        ({"role": "root"}, "role"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_register_rejects_bad_input(api: httpx.Client, body: dict[str, object], field: str) -> None:
    assert_problem(register(api, **body), 422, field=field)


@pytest.mark.parametrize("missing", ["email", "password", "name"])
def test_register_names_a_missing_field(api: httpx.Client, missing: str) -> None:
    body = {"email": unique_email(), "password": "tidal-lantern-42", "name": "N"}
    del body[missing]
    assert_problem(api.post(f"{API}/users", json=body), 422, field=missing)


def test_only_an_admin_may_choose_the_role(
    api: httpx.Client,
    shared_customer: Account,
    shared_staff: Account,
    admin_headers: dict[str, str],
) -> None:
    customer, staff = shared_customer, shared_staff
    body = {"email": unique_email(), "password": "tidal-lantern-42", "name": "N", "role": "admin"}
    assert_problem(api.post(f"{API}/users", json=body), 403)
    assert_problem(api.post(f"{API}/users", json=body, headers=customer.headers), 403)
    assert_problem(api.post(f"{API}/users", json=body, headers=staff.headers), 403)
    body["role"] = "staff"
    created = api.post(f"{API}/users", json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "staff"
    # The refused attempts created nothing.
    assert [u["email"] for u in find_users(api, admin_headers, body["email"])] == [body["email"]]


# --- reading ------------------------------------------------------------------------


def test_me(api: httpx.Client, shared_customer: Account) -> None:
    customer = shared_customer
    response = api.get(f"{API}/users/me", headers=customer.headers)
    assert response.status_code == 200
    assert response.json() == customer.data | {"updated_at": response.json()["updated_at"]}
    assert_problem(api.get(f"{API}/users/me"), 401)


def test_get_user_visibility(
    api: httpx.Client,
    shared_customer: Account,
    make_user: Callable[..., Account],
    shared_staff: Account,
    admin_headers: dict[str, str],
) -> None:
    me, other, staff = shared_customer, make_user(), shared_staff
    assert api.get(f"{API}/users/{me.id}", headers=me.headers).json()["id"] == me.id
    # Another user's id is not found for a customer: ids cannot be probed.
    hidden = assert_problem(api.get(f"{API}/users/{other.id}", headers=me.headers), 404)
    missing = assert_problem(api.get(f"{API}/users/{uuid.uuid4()}", headers=me.headers), 404)
    assert hidden["type"] == missing["type"] == "/problems/not-found"
    assert api.get(f"{API}/users/{other.id}", headers=staff.headers).json()["email"] == other.email
    assert api.get(f"{API}/users/{other.id}", headers=admin_headers).status_code == 200
    assert_problem(api.get(f"{API}/users/{uuid.uuid4()}", headers=admin_headers), 404)
    assert_problem(api.get(f"{API}/users/{other.id}"), 401)


# --- listing ------------------------------------------------------------------------


def test_a_customer_cannot_list_users(api: httpx.Client, shared_customer: Account) -> None:
    body = assert_problem(api.get(f"{API}/users", headers=shared_customer.headers), 403)
    assert body["type"] == "/problems/forbidden"
    assert_problem(api.get(f"{API}/users"), 401)


def test_staff_lists_and_filters_users(
    api: httpx.Client, make_user: Callable[..., Account], shared_staff: Account
) -> None:
    staff = shared_staff
    tag = uuid.uuid4().hex[:10]
    a = make_user(name=f"Alpha {tag}")
    b = make_user(name=f"Beta {tag.upper()}", role="staff")
    response = api.get(f"{API}/users", params={"q": tag}, headers=staff.headers)
    assert response.status_code == 200
    page = response.json()
    assert set(page) == {"data", "next_cursor"}
    assert {u["id"] for u in page["data"]} == {a.id, b.id}
    assert page["next_cursor"] is None
    staff_only = api.get(f"{API}/users", params={"q": tag, "role": "staff"}, headers=staff.headers)
    assert [u["id"] for u in staff_only.json()["data"]] == [b.id]
    by_email = api.get(f"{API}/users", params={"q": a.email.upper()}, headers=staff.headers)
    assert [u["id"] for u in by_email.json()["data"]] == [a.id]
    suspended = api.get(
        f"{API}/users", params={"q": tag, "status": "suspended"}, headers=staff.headers
    )
    assert suspended.json()["data"] == []


def test_list_filter_treats_like_wildcards_literally(
    api: httpx.Client, shared_staff: Account
) -> None:
    staff = shared_staff
    for q in ("%", "_", "\\"):
        response = api.get(f"{API}/users", params={"q": q}, headers=staff.headers)
        assert response.status_code == 200
        for user in response.json()["data"]:
            assert q in user["email"] or q in user["name"].lower()


@pytest.mark.parametrize(
    ("params", "field"),
    [({"role": "root"}, "role"), ({"status": "deleted"}, "status"), ({"q": "x" * 256}, "q")],
)
def test_list_rejects_bad_filters(
    api: httpx.Client, shared_staff: Account, params: dict[str, str], field: str
) -> None:
    response = api.get(f"{API}/users", params=params, headers=shared_staff.headers)
    assert_problem(response, 422, field=field)


# --- updating -----------------------------------------------------------------------


def test_a_user_changes_its_own_name_and_email(api: httpx.Client, customer: Account) -> None:
    new_email = unique_email("New").replace("new", "NEW")
    response = api.patch(
        f"{API}/users/{customer.id}",
        json={"name": "Renamed", "email": new_email},
        headers=customer.headers,
    )
    assert response.status_code == 200, response.text
    user = response.json()
    assert user["name"] == "Renamed"
    assert user["email"] == new_email.lower()
    assert user["updated_at"] >= customer.data["updated_at"]
    assert user["role"] == "customer"
    assert api.get(f"{API}/users/me", headers=customer.headers).json()["email"] == new_email.lower()
    login_ok(api, new_email, customer.password)
    assert_problem(login(api, customer.email, customer.password), 401)


def test_patch_to_a_taken_email_in_another_case_is_a_409(
    api: httpx.Client, shared_customer: Account, shared_staff: Account
) -> None:
    a, b = shared_customer, shared_staff
    response = api.patch(f"{API}/users/{a.id}", json={"email": b.email.upper()}, headers=a.headers)
    assert_problem(response, 409, field="email")
    assert api.get(f"{API}/users/me", headers=a.headers).json()["email"] == a.email


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"email": None}, "email"),
        ({"email": "nope"}, "email"),
        ({"name": "x" * 256}, "name"),
        ({"name": 5}, "name"),
        ({"nickname": "x"}, "nickname"),
        ({"role": "root"}, "role"),
        ({"status": "gone"}, "status"),
    ],
)
def test_patch_rejects_bad_input(
    api: httpx.Client, shared_customer: Account, body: dict[str, object], field: str
) -> None:
    customer = shared_customer
    response = api.patch(f"{API}/users/{customer.id}", json=body, headers=customer.headers)
    assert_problem(response, 422, field=field)
    me = api.get(f"{API}/users/me", headers=customer.headers).json()
    assert (me["email"], me["name"], me["role"]) == (
        customer.email,
        customer.data["name"],
        "customer",
    )


def test_a_customer_cannot_change_its_own_role_or_status(
    api: httpx.Client, shared_customer: Account
) -> None:
    customer = shared_customer
    for body in ({"role": "admin"}, {"status": "suspended"}, {"name": "x", "role": "staff"}):
        response = api.patch(f"{API}/users/{customer.id}", json=body, headers=customer.headers)
        assert_problem(response, 403)
    me = api.get(f"{API}/users/me", headers=customer.headers).json()
    assert (me["role"], me["status"], me["name"]) == ("customer", "active", customer.data["name"])


def test_a_customer_cannot_patch_or_delete_another_user(
    api: httpx.Client, shared_customer: Account, make_user: Callable[..., Account]
) -> None:
    me, other = shared_customer, make_user()
    patch = api.patch(f"{API}/users/{other.id}", json={"name": "Hacked"}, headers=me.headers)
    assert_problem(patch, 404)
    assert_problem(api.delete(f"{API}/users/{other.id}", headers=me.headers), 404)
    assert api.get(f"{API}/users/me", headers=other.headers).json()["name"] == other.data["name"]


def test_staff_can_read_but_not_change_others(
    api: httpx.Client, shared_staff: Account, shared_customer: Account
) -> None:
    staff, customer = shared_staff, shared_customer
    assert api.get(f"{API}/users", headers=staff.headers).status_code == 200
    role = api.patch(f"{API}/users/{customer.id}", json={"role": "staff"}, headers=staff.headers)
    assert_problem(role, 403)
    name = api.patch(f"{API}/users/{customer.id}", json={"name": "X"}, headers=staff.headers)
    assert_problem(name, 403)
    own_role = api.patch(f"{API}/users/{staff.id}", json={"role": "admin"}, headers=staff.headers)
    assert_problem(own_role, 403)
    assert_problem(api.delete(f"{API}/users/{customer.id}", headers=staff.headers), 403)
    assert api.get(f"{API}/users/me", headers=customer.headers).json()["role"] == "customer"


def test_admin_changes_roles_and_it_applies_at_once(
    api: httpx.Client, customer: Account, admin_headers: dict[str, str]
) -> None:
    assert_problem(api.get(f"{API}/users", headers=customer.headers), 403)
    promoted = api.patch(
        f"{API}/users/{customer.id}", json={"role": "staff"}, headers=admin_headers
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "staff"
    # The same access token now carries the new role's permissions.
    assert api.get(f"{API}/users", headers=customer.headers).status_code == 200
    demoted = api.patch(
        f"{API}/users/{customer.id}", json={"role": "customer"}, headers=admin_headers
    )
    assert demoted.json()["role"] == "customer"
    assert_problem(api.get(f"{API}/users", headers=customer.headers), 403)


def test_admin_patch_of_an_unknown_user_is_a_404(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    response = api.patch(f"{API}/users/{uuid.uuid4()}", json={"name": "x"}, headers=admin_headers)
    assert_problem(response, 404)


def test_a_suspended_user_is_locked_out_at_once(
    api: httpx.Client, customer: Account, admin_headers: dict[str, str]
) -> None:
    key = api.post(f"{API}/api-keys", json={"name": "ci"}, headers=customer.headers).json()["key"]
    assert api.get(f"{API}/users/me", headers=bearer(key)).status_code == 200
    suspended = api.patch(
        f"{API}/users/{customer.id}", json={"status": "suspended"}, headers=admin_headers
    )
    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"
    assert_problem(api.get(f"{API}/users/me", headers=customer.headers), 401)
    assert_problem(api.get(f"{API}/users/me", headers=bearer(key)), 401)
    refreshed = api.post(f"{API}/auth/refresh", json={"refresh_token": customer.refresh_token})
    assert_problem(refreshed, 401)
    # A suspended account gets exactly the answer of a wrong password.
    refused = assert_problem(login(api, customer.email, customer.password), 401)
    wrong = assert_problem(login(api, customer.email, "wrong-password"), 401)
    assert refused["detail"] == wrong["detail"]
    # Reactivated, it may sign in again (its old access token's session still exists).
    api.patch(f"{API}/users/{customer.id}", json={"status": "active"}, headers=admin_headers)
    login_ok(api, customer.email, customer.password)
    assert api.get(f"{API}/users/me", headers=bearer(key)).status_code == 200


# --- deleting -----------------------------------------------------------------------


def test_a_user_deletes_itself(api: httpx.Client, customer: Account) -> None:
    response = api.delete(f"{API}/users/{customer.id}", headers=customer.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(api.get(f"{API}/users/me", headers=customer.headers), 401)
    assert_problem(login(api, customer.email, customer.password), 401)
    refreshed = api.post(f"{API}/auth/refresh", json={"refresh_token": customer.refresh_token})
    assert_problem(refreshed, 401)
    # The email is free again.
    assert register(api, email=customer.email).status_code == 202
    login_ok(api, customer.email, "tidal-lantern-42")


def test_admin_deletes_a_user(
    api: httpx.Client, make_user: Callable[..., Account], admin_headers: dict[str, str]
) -> None:
    victim = make_user()
    api.put(f"{API}/users/{victim.id}/profile", json={"bio": "hi"}, headers=victim.headers)
    assert api.delete(f"{API}/users/{victim.id}", headers=admin_headers).status_code == 204
    assert_problem(api.get(f"{API}/users/{victim.id}", headers=admin_headers), 404)
    assert_problem(api.get(f"{API}/users/{victim.id}/profile", headers=admin_headers), 404)
    assert_problem(api.get(f"{API}/users/me", headers=victim.headers), 401)
    assert_problem(api.delete(f"{API}/users/{victim.id}", headers=admin_headers), 404)
    assert find_users(api, admin_headers, victim.email) == []


# --- the last admin (on a server of its own: the shared one's admin must stay) -------


def test_the_last_admin_cannot_be_demoted_suspended_or_deleted(tmp_path: Path) -> None:
    with own_server(tmp_path) as live, httpx.Client(base_url=live.url, timeout=30) as api:
        root = bearer(login_ok(api, ADMIN_EMAIL, ADMIN_PASSWORD)["access_token"])
        root_id = api.get(f"{API}/users/me", headers=root).json()["id"]
        for body in ({"role": "staff"}, {"role": "customer"}, {"status": "suspended"}):
            response = api.patch(f"{API}/users/{root_id}", json=body, headers=root)
            assert assert_problem(response, 409)["type"] == "/problems/conflict"
        assert_problem(api.delete(f"{API}/users/{root_id}", headers=root), 409)
        me = api.get(f"{API}/users/me", headers=root).json()
        assert (me["role"], me["status"]) == ("admin", "active")

        # With a second admin, the first may step down; then the second is the last.
        second = {"email": unique_email("admin"), "password": "tidal-lantern-42", "name": "Two"}
        created = api.post(f"{API}/users", json={**second, "role": "admin"}, headers=root)
        assert created.status_code == 201, created.text
        two_id = created.json()["id"]
        two = bearer(login_ok(api, second["email"], second["password"])["access_token"])
        # A suspended second admin does not count.
        api.patch(f"{API}/users/{two_id}", json={"status": "suspended"}, headers=root)
        assert_problem(
            api.patch(f"{API}/users/{root_id}", json={"role": "staff"}, headers=root), 409
        )
        api.patch(f"{API}/users/{two_id}", json={"status": "active"}, headers=root)

        demoted = api.patch(f"{API}/users/{root_id}", json={"role": "staff"}, headers=root)
        assert demoted.status_code == 200, demoted.text
        assert_problem(
            api.patch(f"{API}/users/{two_id}", json={"role": "customer"}, headers=two), 409
        )
        assert_problem(
            api.patch(f"{API}/users/{two_id}", json={"status": "suspended"}, headers=two), 409
        )
        assert_problem(api.delete(f"{API}/users/{two_id}", headers=two), 409)
        # The demoted admin lost the admin's permissions at once.
        assert_problem(
            api.patch(f"{API}/users/{two_id}", json={"role": "staff"}, headers=root), 403
        )
