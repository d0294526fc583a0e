"""``client.request`` / ``client.request_pages``: any endpoint through the SDK's machinery.

The live tests use the suite's server (``live`` fixture); the others mock the transport to
show refresh, retries and idempotency keys behave as for resource methods.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
import respx
from sdk_helpers import BASE_URL

from platform_sdk import (
    AsyncClient,
    AuthenticationError,
    Client,
    InternalServerError,
    NotFoundError,
    UnprocessableEntityError,
)
from platform_sdk._endpoints import registered_operations


def test_live_request_sync(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (email, password) = live
    with Client(server_url) as client:
        client.auth.login(email=email, password=password)
        assert client.request("GET", "users/me")["email"].lower() == email.lower()
        assert client.request("GET", "/healthz")["status"] == "ok"

        tag = f"raw{uuid.uuid4().hex[:8]}"
        created = [
            client.request(
                "POST",
                "users",
                json={
                    "email": f"{tag}-{i}@example.com",
                    "name": f"{tag} {i}",
                    "password": "tidal-lantern-42",
                },
            )
            for i in range(3)
        ]
        first = client.request_pages("GET", "users", params={"q": tag, "limit": 1})
        assert len(first.data) == 1 and first.next_cursor
        assert sorted(u["id"] for u in first) == sorted(u["id"] for u in created)

        raw = client.with_raw_response.request("DELETE", f"users/{created[0]['id']}")
        assert raw.status_code == 204 and raw.parse() is None

        with pytest.raises(NotFoundError) as missing:
            client.request("GET", f"users/{uuid.uuid4()}", headers={"X-Request-ID": "raw-404"})
        assert missing.value.status_code == 404 and missing.value.request_id == "raw-404"
        assert missing.value.title and isinstance(missing.value.body, dict)

        with pytest.raises(UnprocessableEntityError) as invalid:
            client.request("POST", "users", json={"email": "x", "name": "n", "password": "p"})
        assert invalid.value.status_code == 422
        assert any(e.get("loc", [])[-1:] == ["email"] for e in invalid.value.errors)


@pytest.mark.anyio
async def test_live_request_async(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (email, password) = live
    async with AsyncClient(server_url) as client:
        await client.auth.login(email=email, password=password)
        me = await client.request("GET", "users/me")
        assert me["email"].lower() == email.lower()

        first = await client.request_pages("GET", "users", params={"limit": 1})
        assert len(first.data) == 1
        seen = []
        async for user in first:
            seen.append(user["id"])
            if len(seen) == 3:
                break
        assert len(set(seen)) == len(seen) >= 2

        with pytest.raises(NotFoundError) as missing:
            await client.request("GET", f"users/{uuid.uuid4()}")
        assert missing.value.status_code == 404 and missing.value.detail

        with pytest.raises(UnprocessableEntityError) as invalid:
            await client.request("GET", "users", params={"limit": 0})
        assert invalid.value.errors


def test_refreshes_once_on_401_and_sends_json_as_written(api: respx.MockRouter) -> None:
    refresh = api.post("/api/v1/auth/refresh").respond(
        200,
        json={
            "access_token": "new",
            "refresh_token": "r2",
            "token_type": "bearer",
            "expires_in": 900,
        },
    )
    route = api.patch("/api/v1/users/1").mock(
        side_effect=[
            httpx.Response(401, json={"title": "Unauthorized"}),
            httpx.Response(200, json={"ok": True}),
        ]
    )
    with Client(BASE_URL, access_token="old", refresh_token="r1") as client:
        assert client.request("PATCH", "users/1", json={"bio": None}) == {"ok": True}
    assert refresh.call_count == 1
    sent = [call.request for call in route.calls]
    assert [r.headers["Authorization"] for r in sent] == ["Bearer old", "Bearer new"]
    assert sent[-1].content == b'{"bio":null}'


def test_callers_authorization_header_is_not_refreshed(api: respx.MockRouter) -> None:
    refresh = api.post("/api/v1/auth/refresh")
    api.get("/api/v1/users/me").respond(401, json={"title": "Unauthorized"})
    with (
        Client(BASE_URL, access_token="mine", refresh_token="r1") as client,
        pytest.raises(AuthenticationError) as failed,
    ):
        client.request("GET", "users/me", headers={"authorization": "Bearer other"})
    assert failed.value.status_code == 401
    assert refresh.call_count == 0
    assert api.calls[-1].request.headers["Authorization"] == "Bearer other"


def test_retries_get_and_keyed_post_only(
    api: respx.MockRouter, client: Client, sleeps: list[float]
) -> None:
    api.get("/api/v1/things").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json={"data": [], "next_cursor": None}),
        ]
    )
    assert list(client.request_pages("GET", "things")) == []
    assert len(sleeps) == 1

    post = api.post("/api/v1/things").mock(
        side_effect=[httpx.Response(503), httpx.Response(201, json={"id": 1})]
    )
    assert client.request("POST", "things", json={}, idempotency_key="k-1") == {"id": 1}
    assert [c.request.headers["Idempotency-Key"] for c in post.calls] == ["k-1", "k-1"]

    api.post("/api/v1/once").respond(503)
    with pytest.raises(InternalServerError) as failed:
        client.request("POST", "once", json={})
    assert failed.value.status_code == 503
    assert "Idempotency-Key" not in api.calls[-1].request.headers


def test_raw_methods_register_no_operation() -> None:
    assert ("GET", "") not in registered_operations(Client)
