"""The verified-caller cache never outlives a revocation in the process that made it.

Each test signs in, calls twice (the second call is served from the cache), changes
the user, session or key through the API, and checks the very next call sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from platform_server.auth.caller_cache import CallerCache
from platform_server.core.ids import new_id
from platform_server.core.permissions import permissions_for
from platform_server.core.principal import Principal
from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import API


def me(api: httpx.Client, headers: dict[str, str]) -> httpx.Response:
    return api.get(f"{API}/users/me", headers=headers)


def warm(api: httpx.Client, headers: dict[str, str]) -> None:
    for _ in range(2):
        assert me(api, headers).status_code == 200


def test_signing_out_ends_a_cached_token_at_once(
    api: httpx.Client, make_user: Callable[..., Account]
) -> None:
    user = make_user()
    warm(api, user.headers)
    response = api.post(f"{API}/auth/logout", headers=user.headers)
    assert response.status_code == 204, response.text
    assert_problem(me(api, user.headers), 401)


def test_a_revoked_cached_key_is_a_401_at_once(
    api: httpx.Client, make_user: Callable[..., Account]
) -> None:
    user = make_user()
    created = api.post(f"{API}/api-keys", json={"name": "cached"}, headers=user.headers).json()
    warm(api, bearer(created["key"]))
    response = api.delete(f"{API}/api-keys/{created['id']}", headers=user.headers)
    assert response.status_code == 204, response.text
    assert_problem(me(api, bearer(created["key"])), 401)


def test_suspending_a_user_ends_their_cached_token_and_key_at_once(
    api: httpx.Client, admin_headers: dict[str, str], make_user: Callable[..., Account]
) -> None:
    user = make_user()
    key = api.post(f"{API}/api-keys", json={"name": "cached"}, headers=user.headers).json()
    warm(api, user.headers)
    warm(api, bearer(key["key"]))
    response = api.patch(
        f"{API}/users/{user.id}", json={"status": "suspended"}, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    assert_problem(me(api, user.headers), 401)
    assert_problem(me(api, bearer(key["key"])), 401)


def test_a_role_change_applies_to_a_cached_caller_at_once(
    api: httpx.Client, admin_headers: dict[str, str], make_user: Callable[..., Account]
) -> None:
    user = make_user(role="staff")
    assert api.get(f"{API}/users", headers=user.headers).status_code == 200
    assert api.get(f"{API}/users", headers=user.headers).status_code == 200
    response = api.patch(f"{API}/users/{user.id}", json={"role": "customer"}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert_problem(api.get(f"{API}/users", headers=user.headers), 403)
    assert me(api, user.headers).json()["role"] == "customer"


def test_a_deleted_users_cached_token_is_a_401_at_once(
    api: httpx.Client, admin_headers: dict[str, str], make_user: Callable[..., Account]
) -> None:
    user = make_user()
    warm(api, user.headers)
    response = api.delete(f"{API}/users/{user.id}", headers=admin_headers)
    assert response.status_code == 204, response.text
    assert_problem(me(api, user.headers), 401)


def _principal() -> Principal:
    return Principal(
        user_id=new_id(),
        email="a@example.com",
        role="customer",
        permissions=permissions_for("customer"),
    )


def test_a_lookup_that_raced_a_revocation_is_not_kept() -> None:
    cache = CallerCache(60, 10)
    generation = cache.generation  # read before the database is
    cache.clear()  # a revocation commits meanwhile
    cache.put("token", _principal(), mfa=False, generation=generation, expires_at=None)
    assert cache.get("token") is None
    cache.put("token", _principal(), mfa=False, generation=cache.generation, expires_at=None)
    assert cache.get("token") is not None


def test_an_entry_never_outlives_its_session_or_key() -> None:
    cache = CallerCache(60, 10)
    past = datetime.now(UTC) - timedelta(seconds=1)
    cache.put("token", _principal(), mfa=False, generation=cache.generation, expires_at=past)
    assert cache.get("token") is None


def test_the_cache_is_bounded_and_can_be_off() -> None:
    cache = CallerCache(60, 2)
    for name in ("a", "b", "c"):
        cache.put(name, _principal(), mfa=False, generation=cache.generation, expires_at=None)
    assert cache.get("a") is None
    assert cache.get("c") is not None
    off = CallerCache(0, 2)
    off.put("a", _principal(), mfa=False, generation=off.generation, expires_at=None)
    assert off.get("a") is None
