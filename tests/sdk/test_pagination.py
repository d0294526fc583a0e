from __future__ import annotations

import gc
import weakref

import httpx
import pytest
import respx
from sdk_helpers import user_json

from platform_sdk import AsyncClient, AsyncPage, AsyncPaginator, Client, SyncPage, User

PAGES = {
    None: ([user_json(name="u1"), user_json(name="u2")], "c2"),
    "c2": ([user_json(name="u3"), user_json(name="u4")], "c3"),
    "c3": ([user_json(name="u5")], None),
}


def serve_pages(request: httpx.Request) -> httpx.Response:
    data, next_cursor = PAGES[request.url.params.get("cursor")]
    return httpx.Response(
        200,
        json={"data": data, "next_cursor": next_cursor},
        headers={"x-request-id": f"page-{request.url.params.get('cursor')}"},
    )


def test_iterating_walks_every_page_keeping_filters(client: Client, api: respx.MockRouter) -> None:
    route = api.get("/api/v1/users").mock(side_effect=serve_pages)

    page = client.users.list(limit=2, role="staff", q="ada", extra_headers={"X-Trace": "t"})
    names = [user.name for user in page]

    assert isinstance(page, SyncPage)
    assert names == ["u1", "u2", "u3", "u4", "u5"]
    params = [dict(call.request.url.params) for call in route.calls]
    assert params == [
        {"limit": "2", "role": "staff", "q": "ada"},
        {"limit": "2", "role": "staff", "q": "ada", "cursor": "c2"},
        {"limit": "2", "role": "staff", "q": "ada", "cursor": "c3"},
    ]
    assert all(call.request.headers["x-trace"] == "t" for call in route.calls)


def test_first_page_and_navigation(client: Client, api: respx.MockRouter) -> None:
    api.get("/api/v1/users").mock(side_effect=serve_pages)

    page = client.users.list(limit=2)

    assert [u.name for u in page.data] == ["u1", "u2"]
    assert page.next_cursor == "c2" and page.has_next_page()
    assert page.request_id == "page-None"
    assert all(isinstance(u, User) and u.request_id == "page-None" for u in page.data)
    pages = list(page.iter_pages())
    assert [len(p.data) for p in pages] == [2, 2, 1]
    last = pages[-1]
    assert not last.has_next_page()
    with pytest.raises(RuntimeError):
        last.next_page()


def test_iteration_is_lazy_and_releases_pages(client: Client, api: respx.MockRouter) -> None:
    route = api.get("/api/v1/users").mock(side_effect=serve_pages)
    iterator = iter(client.users.list(limit=2))

    first_items = [next(iterator), next(iterator)]
    assert route.call_count == 1
    third = next(iterator)
    assert route.call_count == 2
    ref = weakref.ref(third)
    del third
    list(iterator)
    gc.collect()

    assert [u.name for u in first_items] == ["u1", "u2"]
    assert ref() is None  # items of an earlier page are not kept alive by the iterator
    assert route.call_count == 3


def test_sessions_and_api_keys_lists(client: Client, api: respx.MockRouter) -> None:
    api.get("/api/v1/auth/sessions").mock(
        return_value=httpx.Response(
            200,
            json={
                "data": [
                    {
                        "id": "3f0c2a53-3a59-4d0e-8a57-2b8f5d3f1b10",
                        "user_agent": "sdk",
                        "ip_address": None,
                        "created_at": "2026-11-25T08:00:00Z",
                        "last_used_at": "2026-11-25T08:00:00Z",
                        "expires_at": "2026-12-25T08:00:00Z",
                        "revoked_at": None,
                        "current": True,
                    }
                ],
                "next_cursor": None,
            },
        )
    )
    api.get("/api/v1/api-keys").mock(
        return_value=httpx.Response(200, json={"data": [], "next_cursor": None})
    )

    sessions = client.auth.sessions.list(limit=5)

    assert sessions.data[0].current is True
    assert list(client.api_keys.list()) == []


@pytest.mark.anyio
async def test_async_iteration_across_pages(aclient: AsyncClient, api: respx.MockRouter) -> None:
    route = api.get("/api/v1/users").mock(side_effect=serve_pages)

    page = await aclient.users.list(limit=2, status="active")
    names = [user.name async for user in page]

    assert isinstance(page, AsyncPage)
    assert names == ["u1", "u2", "u3", "u4", "u5"]
    assert [c.request.url.params.get("status") for c in route.calls] == ["active"] * 3
    assert [c.request.url.params.get("cursor") for c in route.calls] == [None, "c2", "c3"]


@pytest.mark.anyio
async def test_async_next_page_and_iter_pages(aclient: AsyncClient, api: respx.MockRouter) -> None:
    api.get("/api/v1/users").mock(side_effect=serve_pages)

    page = await aclient.users.list(limit=2)
    second = await page.next_page()
    sizes = [len(p.data) async for p in page.iter_pages()]

    assert [u.name for u in second.data] == ["u3", "u4"]
    assert sizes == [2, 2, 1]


@pytest.mark.anyio
async def test_async_list_is_awaitable_and_async_iterable(
    aclient: AsyncClient, api: respx.MockRouter
) -> None:
    route = api.get("/api/v1/users").mock(side_effect=serve_pages)

    listing = aclient.users.list(limit=2, status="active")
    assert isinstance(listing, AsyncPaginator) and not route.calls  # nothing sent yet
    # ``async for`` straight over the call walks every item of every page...
    names = [user.name async for user in aclient.users.list(limit=2, status="active")]
    assert names == ["u1", "u2", "u3", "u4", "u5"]
    assert [c.request.url.params.get("cursor") for c in route.calls] == [None, "c2", "c3"]
    assert {c.request.url.params.get("status") for c in route.calls} == {"active"}
    # ...and awaiting it gives the first page, as before (the old spelling still works).
    page = await listing
    assert isinstance(page, AsyncPage) and [u.name for u in page.data] == ["u1", "u2"]
    assert [u.name async for u in await aclient.users.list(limit=2)][-1] == "u5"
    # The raw view stays a coroutine of the response.
    raw = await aclient.with_raw_response.users.list(limit=2)
    assert raw.status_code == 200 and [u.name for u in raw.parse().data] == ["u1", "u2"]
