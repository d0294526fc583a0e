"""DELETE /users/{id}/sessions: the user themself or an admin signs a user out everywhere."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import API, login_ok


def revoke(api: httpx.Client, user_id: str, headers: dict[str, str]) -> httpx.Response:
    return api.delete(f"{API}/users/{user_id}/sessions", headers=headers)


def refresh(api: httpx.Client, token: str) -> httpx.Response:
    return api.post(f"{API}/auth/refresh", json={"refresh_token": token})


def audit_records(
    api: httpx.Client, admin_headers: dict[str, str], user_id: str
) -> list[dict[str, Any]]:
    response = api.get(
        f"{API}/audit",
        params={"target_id": user_id, "action": "session.revoke_all", "limit": 100},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_an_admin_revokes_every_session_of_a_user(
    api: httpx.Client, admin_headers: dict[str, str], make_user: Callable[..., Account]
) -> None:
    user = make_user()
    second = login_ok(api, user.email, user.password)  # another device
    assert api.get(f"{API}/users/me", headers=user.headers).status_code == 200

    response = revoke(api, user.id, admin_headers)
    assert response.status_code == 204, response.text
    assert response.content == b""

    # Refresh tokens of both sessions, and the access tokens (checked against the session).
    for token in (user.refresh_token, second["refresh_token"]):
        assert_problem(refresh(api, token), 401)
    for access in (user.access_token, second["access_token"]):
        assert_problem(api.get(f"{API}/users/me", headers=bearer(access)), 401)
    # The admin's own session is untouched, and the user can sign in again.
    assert api.get(f"{API}/users/me", headers=admin_headers).status_code == 200
    again = login_ok(api, user.email, user.password)
    assert api.get(f"{API}/users/me", headers=bearer(again["access_token"])).status_code == 200

    (record,) = audit_records(api, admin_headers, user.id)
    assert record["target_type"] == "user"
    me = api.get(f"{API}/users/me", headers=admin_headers).json()
    assert record["actor_id"] == me["id"]


def test_revoking_twice_is_fine(
    api: httpx.Client, admin_headers: dict[str, str], make_user: Callable[..., Account]
) -> None:
    user = make_user()
    assert revoke(api, user.id, admin_headers).status_code == 204
    assert revoke(api, user.id, admin_headers).status_code == 204


def test_a_user_revokes_their_own_sessions(
    api: httpx.Client, admin_headers: dict[str, str], make_user: Callable[..., Account]
) -> None:
    user = make_user()
    other = login_ok(api, user.email, user.password)

    response = revoke(api, user.id, user.headers)
    assert response.status_code == 204, response.text
    # Every session ends, the caller's own included.
    assert_problem(refresh(api, other["refresh_token"]), 401)
    assert_problem(refresh(api, user.refresh_token), 401)
    assert_problem(api.get(f"{API}/users/me", headers=user.headers), 401)
    (record,) = audit_records(api, admin_headers, user.id)
    assert record["actor_id"] == user.id


def test_a_customer_cannot_revoke_another_users_sessions(
    api: httpx.Client, make_user: Callable[..., Account]
) -> None:
    victim, intruder = make_user(), make_user()
    assert_problem(revoke(api, victim.id, intruder.headers), 404)
    # Nothing happened: the victim's tokens still work.
    assert api.get(f"{API}/users/me", headers=victim.headers).status_code == 200
    assert refresh(api, victim.refresh_token).status_code == 200


def test_staff_sees_users_but_cannot_revoke_their_sessions(
    api: httpx.Client, make_user: Callable[..., Account]
) -> None:
    member, victim = make_user(role="staff"), make_user()
    assert_problem(revoke(api, victim.id, member.headers), 403)
    assert api.get(f"{API}/users/me", headers=victim.headers).status_code == 200


def test_unknown_user_is_a_404_and_anonymous_a_401(
    api: httpx.Client, admin_headers: dict[str, str], customer: Account
) -> None:
    assert_problem(revoke(api, str(uuid.uuid4()), admin_headers), 404)
    assert_problem(revoke(api, customer.id, {}), 401)
