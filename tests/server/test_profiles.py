"""Profiles: GET and PUT (a full replacement) with their permissions and validation."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.conftest import API

# avatar_url is read-only (set by uploading: tests/server/files/test_avatars.py).
FULL = {"bio": "Counts things.", "location": "London", "phone": "+44 20 7946 0958"}


def test_a_new_profile_is_empty(api: httpx.Client, customer: Account) -> None:
    response = api.get(f"{API}/users/{customer.id}/profile", headers=customer.headers)
    assert response.status_code == 200
    profile = response.json()
    assert set(profile) == {
        "user_id",
        "bio",
        "avatar_url",
        "location",
        "phone",
        "sms_opt_in",
        "updated_at",
    }
    assert profile["user_id"] == customer.id
    assert [profile[k] for k in (*FULL, "avatar_url")] == [None, None, None, None]


def test_put_replaces_the_whole_profile(api: httpx.Client, customer: Account) -> None:
    url = f"{API}/users/{customer.id}/profile"
    full = api.put(url, json=FULL, headers=customer.headers)
    assert full.status_code == 200, full.text
    assert {k: full.json()[k] for k in FULL} == FULL
    assert api.get(url, headers=customer.headers).json() == full.json()
    # A PUT replaces: fields left out are cleared.
    partial = api.put(url, json={"bio": "Only a bio."}, headers=customer.headers)
    assert partial.status_code == 200
    assert partial.json()["bio"] == "Only a bio."
    assert [partial.json()[k] for k in ("avatar_url", "location", "phone")] == [None] * 3
    assert partial.json()["updated_at"] >= full.json()["updated_at"]
    cleared = api.put(url, json={}, headers=customer.headers)
    assert [cleared.json()[k] for k in FULL] == [None] * 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bio": "x" * 2001}, "bio"),
        ({"bio": 5}, "bio"),
        ({"avatar_url": "not a url"}, "avatar_url"),
        ({"avatar_url": "ftp://example.com/a.png"}, "avatar_url"),
        ({"avatar_url": "https://cdn.example.com/a.png"}, "avatar_url"),  # read-only
        ({"avatar_url": "https://example.com/" + "a" * 500}, "avatar_url"),
        ({"location": "x" * 256}, "location"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "1" * 31}, "phone"),
        ({"twitter": "@x"}, "twitter"),
    ],
)
def test_put_rejects_bad_input(
    api: httpx.Client, shared_customer: Account, body: dict[str, object], field: str
) -> None:
    url = f"{API}/users/{shared_customer.id}/profile"
    assert_problem(api.put(url, json=body, headers=shared_customer.headers), 422, field=field)


def test_put_needs_a_json_object(api: httpx.Client, shared_customer: Account) -> None:
    url = f"{API}/users/{shared_customer.id}/profile"
    assert_problem(api.put(url, json=["bio"], headers=shared_customer.headers), 422)
    assert_problem(api.put(url, content=b"bio=x", headers=shared_customer.headers), 415)


def test_profile_permissions(
    api: httpx.Client,
    customer: Account,
    shared_customer: Account,
    shared_staff: Account,
    admin_headers: dict[str, str],
) -> None:
    url = f"{API}/users/{customer.id}/profile"
    api.put(url, json={"bio": "mine"}, headers=customer.headers)
    other = shared_customer
    # Another customer may neither see nor change it: both are 404, as for a missing user.
    assert_problem(api.get(url, headers=other.headers), 404)
    assert_problem(api.put(url, json={"bio": "theirs"}, headers=other.headers), 404)
    # Staff may see it but not change it.
    assert api.get(url, headers=shared_staff.headers).json()["bio"] == "mine"
    assert_problem(api.put(url, json={"bio": "staff"}, headers=shared_staff.headers), 403)
    # An admin may change it.
    by_admin = api.put(url, json={"location": "Paris"}, headers=admin_headers)
    assert by_admin.status_code == 200
    assert api.get(url, headers=customer.headers).json()["location"] == "Paris"
    assert_problem(api.get(url), 401)
    assert_problem(api.put(url, json={}), 401)


def test_profile_of_an_unknown_user_is_a_404(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    url = f"{API}/users/{uuid.uuid4()}/profile"
    assert_problem(api.get(url, headers=admin_headers), 404)
    assert_problem(api.put(url, json={"bio": "x"}, headers=admin_headers), 404)
