"""Idempotency-Key on the creates: POST /users (by the admin: its answer tells what was
created; self-registration answers 202 whatever happened) and POST /api-keys."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.conftest import API, find_users, unique_email


def _key() -> dict[str, str]:
    return {"Idempotency-Key": f"test-{uuid.uuid4()}"}


def _registration() -> dict[str, Any]:
    return {"email": unique_email("idem"), "password": "tidal-lantern-42", "name": "Idem"}


def test_same_key_and_body_replays_the_registration(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    key, body = {**_key(), **admin_headers}, _registration()
    first = api.post(f"{API}/users", json=body, headers=key)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    second = api.post(f"{API}/users", json=body, headers=key)
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert [u["id"] for u in find_users(api, admin_headers, body["email"])] == [first.json()["id"]]


def test_same_key_with_another_body_is_a_422(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    key, body = {**_key(), **admin_headers}, _registration()
    assert api.post(f"{API}/users", json=body, headers=key).status_code == 201
    other = {**body, "email": unique_email("idem2")}
    response = api.post(f"{API}/users", json=other, headers=key)
    problem = assert_problem(response, 422, field="Idempotency-Key")
    assert problem["errors"][0]["loc"][0] == "header"
    assert find_users(api, admin_headers, other["email"]) == []
    # The first answer is still the one replayed.
    replay = api.post(f"{API}/users", json=body, headers=key)
    assert replay.headers["idempotent-replayed"] == "true"


def test_keys_belong_to_their_caller(
    api: httpx.Client, shared_customer: Account, admin_headers: dict[str, str]
) -> None:
    # The same key string from another caller is a new request, not a replay or a 422.
    key = _key()
    anonymous = api.post(f"{API}/users", json=_registration(), headers=key)
    assert anonymous.status_code == 202
    by_admin = api.post(f"{API}/users", json=_registration(), headers={**key, **admin_headers})
    assert by_admin.status_code == 201
    assert "idempotent-replayed" not in by_admin.headers
    mine = api.post(
        f"{API}/api-keys", json={"name": "a"}, headers={**key, **shared_customer.headers}
    )
    assert mine.status_code == 201
    assert mine.json()["key"]


def test_a_failed_request_does_not_burn_the_key(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    body = _registration()
    taken = api.post(f"{API}/users", json=body, headers=admin_headers)
    assert taken.status_code == 201
    key = {**_key(), **admin_headers}
    conflict = api.post(f"{API}/users", json=body, headers=key)
    assert_problem(conflict, 409, field="email")
    # Not replayed: the same request runs again, and fails again, as it should.
    again = api.post(f"{API}/users", json=body, headers=key)
    assert_problem(again, 409)
    assert "idempotent-replayed" not in again.headers
    # Once the cause is fixed, the same key and body succeed.
    deleted = api.delete(f"{API}/users/{taken.json()['id']}", headers=admin_headers)
    assert deleted.status_code == 204
    created = api.post(f"{API}/users", json=body, headers=key)
    assert created.status_code == 201, created.text
    assert "idempotent-replayed" not in created.headers
    assert created.json()["id"] != taken.json()["id"]
    replay = api.post(f"{API}/users", json=body, headers=key)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == created.json()["id"]


def test_a_forbidden_request_does_not_burn_the_key(
    api: httpx.Client, shared_customer: Account
) -> None:
    key = {**_key(), **shared_customer.headers}
    refused = api.post(
        f"{API}/api-keys", json={"name": "x", "scopes": ["users:write"]}, headers=key
    )
    assert_problem(refused, 403)
    assert_problem(
        api.post(f"{API}/api-keys", json={"name": "x", "scopes": ["users:write"]}, headers=key), 403
    )


def test_api_key_create_replays_without_the_secret(api: httpx.Client, customer: Account) -> None:
    headers = {**_key(), **customer.headers}
    first = api.post(f"{API}/api-keys", json={"name": "deploy"}, headers=headers)
    assert first.status_code == 201
    assert first.json()["key"].startswith("plat_")
    second = api.post(f"{API}/api-keys", json={"name": "deploy"}, headers=headers)
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json()["key"] is None
    assert {k: v for k, v in second.json().items() if k != "key"} == {
        k: v for k, v in first.json().items() if k != "key"
    }
    listed = api.get(f"{API}/api-keys", headers=customer.headers).json()["data"]
    assert [k["id"] for k in listed] == [first.json()["id"]]
    other = api.post(f"{API}/api-keys", json={"name": "other"}, headers=headers)
    assert_problem(other, 422, field="Idempotency-Key")


@pytest.mark.parametrize("value", ["", "k" * 256])
def test_a_bad_idempotency_key_is_a_422(api: httpx.Client, value: str) -> None:
    response = api.post(f"{API}/users", json=_registration(), headers={"Idempotency-Key": value})
    body = assert_problem(response, 422)
    assert any(err["loc"][0] == "header" for err in body["errors"])


def test_a_255_char_key_is_accepted(api: httpx.Client) -> None:
    headers = {"Idempotency-Key": "k" * 254 + uuid.uuid4().hex[:1]}
    body = _registration()
    first = api.post(f"{API}/users", json=body, headers=headers)
    assert first.status_code == 202, first.text
    replay = api.post(f"{API}/users", json=body, headers=headers)
    assert replay.status_code == 202
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()


def test_concurrent_twins_have_one_effect(
    server_url: str, api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    headers, body = {**_key(), **admin_headers}, _registration()
    results: list[httpx.Response] = []
    start = threading.Barrier(3)

    def send() -> None:
        with httpx.Client(base_url=server_url, timeout=30) as client:
            start.wait()
            results.append(client.post(f"{API}/users", json=body, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = [r for r in results if r.status_code == 201]
    # Each twin either replays the first answer or is told the first is still running.
    assert created, [r.text for r in results]
    assert len({r.json()["id"] for r in created}) == 1
    for response in results:
        if response.status_code != 201:
            assert_problem(response, 409)
    assert sum("idempotent-replayed" not in r.headers for r in created) == 1
    assert len(find_users(api, admin_headers, body["email"])) == 1
