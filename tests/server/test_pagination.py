"""Cursor pagination, shown on GET /users (the same code serves every list)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from tests.conftest import Account, AccountHeaders, assert_problem
from tests.server.conftest import API, unique_email


def _make(api: httpx.Client, tag: str, count: int, admin: Mapping[str, str]) -> list[str]:
    ids = []
    for i in range(count):
        response = api.post(
            f"{API}/users",
            json={"email": unique_email(f"page{i}"), "password": "tidal-lantern-42", "name": tag},
            headers=admin,
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def _page(api: httpx.Client, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = api.get(f"{API}/users", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def tagged(server_url: str, admin_account: Account) -> tuple[str, list[str]]:
    """Five users sharing a unique name, created oldest first."""
    tag = f"pager-{uuid.uuid4().hex[:10]}"
    with httpx.Client(base_url=server_url, timeout=30) as client:
        return tag, _make(client, tag, 5, AccountHeaders(admin_account))


def test_default_limit_is_20(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    # The shared database may hold fewer than 21 users so far: make sure it does not.
    total = len(_page(api, admin_headers, limit=100)["data"])
    if total <= 20:
        _make(api, "filler", 21 - total, admin_headers)
    page = _page(api, admin_headers)
    assert len(page["data"]) == 20
    assert page["next_cursor"]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten"])
def test_limit_out_of_range_is_a_422(
    api: httpx.Client, admin_headers: dict[str, str], limit: str
) -> None:
    response = api.get(f"{API}/users", params={"limit": limit}, headers=admin_headers)
    assert_problem(response, 422, field="limit")


def test_limits_1_and_100_are_accepted(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    assert len(_page(api, admin_headers, limit=1)["data"]) == 1
    assert len(_page(api, admin_headers, limit=100)["data"]) <= 100


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "!!!",
        base64.urlsafe_b64encode(b'["yesterday", "x"]').decode(),
        base64.urlsafe_b64encode(b'{"k": 1}').decode(),
        base64.urlsafe_b64encode(
            json.dumps(["2026-01-01T00:00:00+00:00", "nope"]).encode()
        ).decode(),
        base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
        # A timestamp without its zone: never one this server issues.
        base64.urlsafe_b64encode(
            json.dumps(["2026-01-01T00:00:00", "6a20e6fb-962b-4b6c-871d-ed3298d6ac02"]).encode()
        )
        .decode()
        .rstrip("="),
        "x" * 513,
    ],
)
def test_a_bad_cursor_is_a_422(
    api: httpx.Client, admin_headers: dict[str, str], cursor: str
) -> None:
    response = api.get(f"{API}/users", params={"cursor": cursor}, headers=admin_headers)
    assert_problem(response, 422, field="cursor")


def test_walking_all_pages_with_a_filter(
    api: httpx.Client, admin_headers: dict[str, str], tagged: tuple[str, list[str]]
) -> None:
    tag, ids = tagged
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2, "q": tag}
        if cursor:
            params["cursor"] = cursor
        page = _page(api, admin_headers, **params)
        pages += 1
        assert len(page["data"]) <= 2
        assert all(u["name"] == tag for u in page["data"])
        seen += [u["id"] for u in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5
    # Newest first.
    assert seen == ids[::-1]


def test_a_cursor_survives_inserts(
    api: httpx.Client, admin_headers: dict[str, str], tagged: tuple[str, list[str]]
) -> None:
    tag, ids = tagged
    first = _page(api, admin_headers, limit=2, q=tag)
    # New rows arrive between pages: they are newer than the cursor.
    newcomers = _make(api, tag, 2, admin_headers)
    second = _page(api, admin_headers, limit=2, q=tag, cursor=first["next_cursor"])
    newcomers += _make(api, tag, 1, admin_headers)
    third = _page(api, admin_headers, limit=2, q=tag, cursor=second["next_cursor"])
    walked = [u["id"] for p in (first, second, third) for u in p["data"]]
    assert walked == ids[::-1]  # no repeats, no skips of the old rows
    assert third["next_cursor"] is None
    assert not set(walked) & set(newcomers)
    # A fresh walk sees the newcomers first.
    fresh = _page(api, admin_headers, limit=3, q=tag)
    assert [u["id"] for u in fresh["data"]] == newcomers[::-1]


def test_a_cursor_survives_deletes(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    tag = f"pager-{uuid.uuid4().hex[:10]}"
    ids = _make(api, tag, 4, admin_headers)
    first = _page(api, admin_headers, limit=2, q=tag)
    # The row the cursor names is deleted: the walk still continues after it.
    assert (
        api.delete(f"{API}/users/{first['data'][-1]['id']}", headers=admin_headers).status_code
        == 204
    )
    second = _page(api, admin_headers, limit=2, q=tag, cursor=first["next_cursor"])
    assert [u["id"] for u in second["data"]] == ids[:2][::-1]
    assert second["next_cursor"] is None


def test_an_empty_result(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    page = _page(api, admin_headers, q=f"nobody-{uuid.uuid4().hex}")
    assert page == {"data": [], "next_cursor": None}
