"""Refresh-token rotation with reuse detection, logout, and the sessions list."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import API, claims_of, login_ok


def _refresh(api: httpx.Client, token: str) -> httpx.Response:
    return api.post(f"{API}/auth/refresh", json={"refresh_token": token})


def _me(api: httpx.Client, access_token: str) -> httpx.Response:
    return api.get(f"{API}/users/me", headers=bearer(access_token))


def test_refresh_rotates_the_refresh_token(api: httpx.Client, customer: Account) -> None:
    response = _refresh(api, customer.refresh_token)
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["token_type"] == "bearer"
    assert pair["refresh_token"] != customer.refresh_token
    assert pair["access_token"] != customer.access_token
    # Same session, new tokens; both access tokens of the session work.
    assert claims_of(pair["access_token"])["sid"] == claims_of(customer.access_token)["sid"]
    assert _me(api, pair["access_token"]).json()["id"] == customer.id
    again = _refresh(api, pair["refresh_token"])
    assert again.status_code == 200
    assert again.json()["refresh_token"] not in (pair["refresh_token"], customer.refresh_token)


def test_reusing_a_rotated_refresh_token_revokes_the_session(
    api: httpx.Client, customer: Account
) -> None:
    newest = _refresh(api, customer.refresh_token).json()
    other_session = login_ok(api, customer.email, customer.password)
    reused = _refresh(api, customer.refresh_token)
    body = assert_problem(reused, 401)
    assert body["type"] == "/problems/unauthenticated"
    # The whole session is over: the newest refresh token and both access tokens.
    assert_problem(_refresh(api, newest["refresh_token"]), 401)
    assert_problem(_me(api, newest["access_token"]), 401)
    assert_problem(_me(api, customer.access_token), 401)
    # Other sessions of the same user are not touched.
    assert _me(api, other_session["access_token"]).status_code == 200
    assert _refresh(api, other_session["refresh_token"]).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "refresh_token"),
        ({"refresh_token": ""}, "refresh_token"),
        ({"refresh_token": 5}, "refresh_token"),
        ({"refresh_token": "x" * 256}, "refresh_token"),
        ({"refresh_token": "x", "extra": 1}, "extra"),
    ],
)
def test_refresh_rejects_bad_input(api: httpx.Client, body: dict[str, object], field: str) -> None:
    assert_problem(api.post(f"{API}/auth/refresh", json=body), 422, field=field)


def test_an_unknown_refresh_token_is_a_401(api: httpx.Client, shared_customer: Account) -> None:
    assert_problem(_refresh(api, "made-up-token"), 401)
    # An access token is not a refresh token.
    assert_problem(_refresh(api, shared_customer.access_token[:255]), 401)


def test_logout_ends_the_current_session(api: httpx.Client, customer: Account) -> None:
    other = login_ok(api, customer.email, customer.password)
    response = api.post(f"{API}/auth/logout", headers=customer.headers)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_problem(_me(api, customer.access_token), 401)
    assert_problem(_refresh(api, customer.refresh_token), 401)
    assert _me(api, other["access_token"]).status_code == 200
    # Signed out, it cannot sign out again.
    assert_problem(api.post(f"{API}/auth/logout", headers=customer.headers), 401)
    assert_problem(api.post(f"{API}/auth/logout"), 401)


def test_logout_with_a_refresh_token_ends_that_session(
    api: httpx.Client, customer: Account
) -> None:
    other = login_ok(api, customer.email, customer.password)
    response = api.post(
        f"{API}/auth/logout",
        json={"refresh_token": other["refresh_token"]},
        headers=customer.headers,
    )
    assert response.status_code == 204
    assert_problem(_me(api, other["access_token"]), 401)
    assert _me(api, customer.access_token).status_code == 200
    # An empty JSON body means "this session".
    assert api.post(f"{API}/auth/logout", json={}, headers=customer.headers).status_code == 204
    assert_problem(_me(api, customer.access_token), 401)


def test_logout_rejects_bad_input_and_others_tokens(
    api: httpx.Client, customer: Account, shared_customer: Account
) -> None:
    url = f"{API}/auth/logout"
    h = customer.headers
    assert_problem(api.post(url, json={"refresh_token": "unknown"}, headers=h), 401)
    assert_problem(api.post(url, json={"refresh_token": 5}, headers=h), 422, field="refresh_token")
    assert_problem(api.post(url, json={"token": "x"}, headers=h), 422, field="token")
    # Another user's refresh token is not found, and stays valid.
    theirs = login_ok(api, shared_customer.email, shared_customer.password)
    assert_problem(api.post(url, json={"refresh_token": theirs["refresh_token"]}, headers=h), 404)
    assert _me(api, theirs["access_token"]).status_code == 200
    assert _me(api, customer.access_token).status_code == 200


def test_sessions_list_marks_the_current_one(api: httpx.Client, customer: Account) -> None:
    other = login_ok(api, customer.email, customer.password, headers={"User-Agent": "phone/1.0"})
    response = api.get(f"{API}/auth/sessions", headers=customer.headers)
    assert response.status_code == 200
    page = response.json()
    assert page["next_cursor"] is None
    sessions = page["data"]
    assert len(sessions) == 2
    expected = {
        "id", "user_agent", "ip_address", "created_at", "last_used_at", "expires_at",
        "revoked_at", "mfa", "current",
    }  # fmt: skip
    assert all(set(s) == expected for s in sessions)
    assert not any(s["mfa"] for s in sessions)  # a password alone
    current = [s for s in sessions if s["current"]]
    assert [s["id"] for s in current] == [claims_of(customer.access_token)["sid"]]
    # Newest first: the second sign-in leads.
    assert sessions[0]["id"] == claims_of(other["access_token"])["sid"]
    assert sessions[0]["user_agent"] == "phone/1.0"
    assert sessions[0]["ip_address"] == "127.0.0.1"
    assert all(s["revoked_at"] is None for s in sessions)
    seen_by_other = api.get(f"{API}/auth/sessions", headers=bearer(other["access_token"])).json()
    assert [s["id"] for s in seen_by_other["data"] if s["current"]] == [sessions[0]["id"]]
    assert_problem(api.get(f"{API}/auth/sessions"), 401)


def test_revoking_another_of_your_sessions(api: httpx.Client, customer: Account) -> None:
    other = login_ok(api, customer.email, customer.password)
    sid = claims_of(other["access_token"])["sid"]
    response = api.delete(f"{API}/auth/sessions/{sid}", headers=customer.headers)
    assert response.status_code == 204
    assert_problem(_me(api, other["access_token"]), 401)
    assert_problem(_refresh(api, other["refresh_token"]), 401)
    assert _me(api, customer.access_token).status_code == 200
    listed = api.get(f"{API}/auth/sessions", headers=customer.headers).json()["data"]
    assert [s["revoked_at"] is not None for s in listed if s["id"] == sid] == [True]
    # Revoking it again is harmless.
    assert api.delete(f"{API}/auth/sessions/{sid}", headers=customer.headers).status_code == 204


def test_someone_elses_session_is_a_404(
    api: httpx.Client, customer: Account, shared_customer: Account
) -> None:
    theirs = claims_of(shared_customer.access_token)["sid"]
    assert_problem(api.delete(f"{API}/auth/sessions/{theirs}", headers=customer.headers), 404)
    assert _me(api, shared_customer.access_token).status_code == 200
    missing = api.delete(f"{API}/auth/sessions/{uuid.uuid4()}", headers=customer.headers)
    assert_problem(missing, 404)
    assert_problem(api.delete(f"{API}/auth/sessions/{theirs}"), 401)


def test_sessions_list_paginates(api: httpx.Client, customer: Account) -> None:
    for _ in range(2):
        login_ok(api, customer.email, customer.password)
    first = api.get(f"{API}/auth/sessions", params={"limit": 2}, headers=customer.headers).json()
    assert len(first["data"]) == 2 and first["next_cursor"]
    second = api.get(
        f"{API}/auth/sessions",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=customer.headers,
    ).json()
    assert len(second["data"]) == 1 and second["next_cursor"] is None
    ids = [s["id"] for s in first["data"] + second["data"]]
    assert len(set(ids)) == 3
    bad = api.get(f"{API}/auth/sessions", params={"limit": 0}, headers=customer.headers)
    assert_problem(bad, 422, field="limit")
