"""The password policy (users.passwords.check_password): length, strength (zxcvbn) and
the user's own email or name, at registration, a change and an admin's set."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.conftest import API, find_users, register, unique_email


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("password", "at least 10 characters"),
        ("12345678", "at least 10 characters"),
        ("1234567890", "too weak"),
        ("qwertyuiop", "too weak"),
        ("passwordpassword", "too weak"),
        ("x" * 1025, "at most 1024 characters"),
    ],
)
def test_registration_refuses_weak_passwords(
    api: httpx.Client, admin_headers: dict[str, str], password: str, says: str
) -> None:
    email = unique_email("weak")
    body = assert_problem(register(api, email=email, password=password), 422, field="password")
    assert body["type"] == "/problems/validation-error"
    assert says in body["detail"] or says in str(body["errors"])
    if says == "too weak":
        # zxcvbn's words: why, and what to do instead.
        assert "common" in body["detail"] or "guess" in body["detail"]
    assert password not in body["detail"]
    # Nobody was created.
    assert find_users(api, admin_headers, email) == []


def test_a_password_built_from_ones_own_email_or_name_is_refused(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    email = unique_email("marguerite")
    local = email.split("@")[0]
    for password in (f"{local}-2026!", "Marguerite Duras 1964", email):
        response = register(api, email=email, password=password, name="Marguerite Duras")
        body = assert_problem(response, 422, field="password")
        assert "email address or name" in body["detail"]
    assert find_users(api, admin_headers, email) == []
    created = register(api, email=email, password="tidal-copper-orchard-17", name="M. Duras")
    assert created.status_code == 202, created.text  # self-registration
    assert len(find_users(api, admin_headers, email)) == 1


def test_a_strong_long_password_is_accepted(api: httpx.Client) -> None:
    long_one = "river stone " * 60 + "!9"  # 722 characters: only the start is scored
    assert register(api, password=long_one).status_code == 202


def test_change_and_admin_set_apply_the_same_policy(
    api: httpx.Client, customer: Account, admin_headers: Mapping[str, str]
) -> None:
    url = f"{API}/users/{customer.id}/password"
    own = api.post(
        url,
        json={"current_password": customer.password, "new_password": "qwertyuiop"},
        headers=customer.headers,
    )
    body = assert_problem(own, 422, field="new_password")
    assert "too weak" in body["detail"]
    local = customer.email.split("@")[0]
    admin_set = api.post(url, json={"new_password": f"{local}123!"}, headers=admin_headers)
    body = assert_problem(admin_set, 422, field="new_password")
    assert "email address or name" in body["detail"]
    # Nothing changed: the user's own password still works.
    assert api.get(f"{API}/users/me", headers=customer.headers).status_code == 200
