"""Password changes: by the user (needs the current one) and by an admin."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import API, login, login_ok


def _change(
    api: httpx.Client, user_id: str, headers: dict[str, str], **body: object
) -> httpx.Response:
    return api.post(f"{API}/users/{user_id}/password", json=body, headers=headers)


def test_change_own_password_keeps_this_session_and_ends_the_others(
    api: httpx.Client, customer: Account
) -> None:
    other = login_ok(api, customer.email, customer.password)
    response = _change(
        api,
        customer.id,
        customer.headers,
        current_password=customer.password,
        new_password="brand-new-pass",
    )
    assert response.status_code == 204, response.text
    assert response.content == b""
    # This session goes on; the other one is over, access and refresh token alike.
    assert api.get(f"{API}/users/me", headers=customer.headers).status_code == 200
    assert_problem(api.get(f"{API}/users/me", headers=bearer(other["access_token"])), 401)
    refreshed = api.post(f"{API}/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert_problem(refreshed, 401)
    assert (
        api.post(f"{API}/auth/refresh", json={"refresh_token": customer.refresh_token}).status_code
        == 200
    )
    assert_problem(login(api, customer.email, customer.password), 401)
    login_ok(api, customer.email, "brand-new-pass")


def test_current_password_is_required(api: httpx.Client, shared_customer: Account) -> None:
    c = shared_customer
    missing = _change(api, c.id, c.headers, new_password="another-pass-1")
    body = assert_problem(missing, 422, field="current_password")
    assert body["type"] == "/problems/validation-error"
    wrong = _change(
        api, c.id, c.headers, current_password="not-my-password", new_password="another-pass-1"
    )
    assert_problem(wrong, 422, field="current_password")
    # Nothing changed.
    assert api.get(f"{API}/users/me", headers=c.headers).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "tidal-lantern-42", "new_password": "short"}, "new_password"),
        ({"current_password": "tidal-lantern-42", "new_password": "x" * 1025}, "new_password"),
        ({"current_password": "tidal-lantern-42"}, "new_password"),
        ({"current_password": "tidal-lantern-42", "new_password": 12345678}, "new_password"),
        ({"current_password": "x" * 1025, "new_password": "long-enough-1"}, "current_password"),
        ({"new_password": "long-enough-1", "old_password": "x"}, "old_password"),
    ],
)
def test_change_rejects_bad_input(
    api: httpx.Client, shared_customer: Account, body: dict[str, object], field: str
) -> None:
    c = shared_customer
    assert_problem(_change(api, c.id, c.headers, **body), 422, field=field)


def test_admin_sets_another_users_password_without_the_current_one(
    api: httpx.Client, customer: Account, admin_headers: dict[str, str]
) -> None:
    response = _change(api, customer.id, admin_headers, new_password="set-by-the-admin")
    assert response.status_code == 204, response.text
    # Every session of that user ends; the new password works.
    assert_problem(api.get(f"{API}/users/me", headers=customer.headers), 401)
    assert_problem(login(api, customer.email, customer.password), 401)
    login_ok(api, customer.email, "set-by-the-admin")
    # The admin's own session is untouched.
    assert api.get(f"{API}/users/me", headers=admin_headers).status_code == 200


def test_others_cannot_change_a_password(
    api: httpx.Client,
    make_user: Callable[..., Account],
    shared_customer: Account,
    shared_staff: Account,
) -> None:
    victim = make_user()
    body = {"current_password": victim.password, "new_password": "taken-over-1"}
    assert_problem(_change(api, victim.id, shared_customer.headers, **body), 404)
    assert_problem(_change(api, victim.id, shared_staff.headers, **body), 403)
    assert_problem(_change(api, victim.id, {}, **body), 401)
    assert api.get(f"{API}/users/me", headers=victim.headers).status_code == 200
    login_ok(api, victim.email, victim.password)


def test_password_change_for_an_unknown_user_is_a_404(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    import uuid

    response = _change(api, str(uuid.uuid4()), admin_headers, new_password="whatever-123")
    assert_problem(response, 404)
