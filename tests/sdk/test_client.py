from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import UUID

import httpx
import pytest
import respx
from sdk_helpers import BASE_URL, user_json

import platform_sdk
from platform_sdk import NULL, APIResponse, AsyncClient, Client, HealthStatus, Profile, User
from platform_sdk._endpoints import registered_operations

USER_ID = UUID("9f6c2a53-3a59-4d0e-8a57-2b8f5d3f1b10")


def test_env_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORM_BASE_URL", "https://api.example.com/")
    monkeypatch.setenv("PLATFORM_API_KEY", "plat_env")
    with Client() as client:
        assert client.base_url == "https://api.example.com"
        assert client.api_key == "plat_env"
    with Client("http://explicit:1", api_key="plat_arg") as client:
        assert (client.base_url, client.api_key) == ("http://explicit:1", "plat_arg")


def test_defaults_without_env() -> None:
    with Client() as client:
        assert client.base_url == "http://127.0.0.1:8000"
        assert client.api_key is None
        assert client.timeout == httpx.Timeout(30.0)
        assert client.retry_policy.max_retries == 2


def test_with_options_shares_the_pool_and_keeps_the_original(api: respx.MockRouter) -> None:
    route = api.get("/healthz").mock(return_value=httpx.Response(200, json={"status": "ok"}))
    client = Client(BASE_URL, api_key="plat_a", default_headers={"X-App": "demo"})

    copy = client.with_options(timeout=2.5, max_retries=0, default_headers={"X-App": "copy"})
    copy.health.live()
    copy.close()

    assert copy._http is client._http
    assert not client._http.is_closed  # closing a copy leaves the shared pool open
    assert (copy.timeout, copy.retry_policy.max_retries) == (2.5, 0)
    assert (client.timeout, client.retry_policy.max_retries) == (httpx.Timeout(30.0), 2)
    assert route.calls[0].request.headers["x-app"] == "copy"
    assert route.calls[0].request.extensions["timeout"]["read"] == 2.5
    client.close()
    assert client._http.is_closed


def test_passed_http_client_is_used_and_not_closed(api: respx.MockRouter) -> None:
    api.get("/healthz").mock(return_value=httpx.Response(200, json={"status": "ok"}))
    http = httpx.Client(headers={"X-From-Http-Client": "1"})
    with Client(BASE_URL, http_client=http) as client:
        client.health.live()
    assert not http.is_closed
    assert api.calls[0].request.headers["x-from-http-client"] == "1"
    http.close()


@pytest.mark.anyio
async def test_async_context_manager_closes_owned_client() -> None:
    async with AsyncClient(BASE_URL) as client:
        copy = client.with_options(max_retries=1)
        await copy.close()
        assert not client._http.is_closed
    assert client._http.is_closed


def test_per_call_options_are_sent(client: Client, api: respx.MockRouter) -> None:
    route = api.get(f"/api/v1/users/{USER_ID}").mock(
        return_value=httpx.Response(200, json=user_json())
    )

    client.users.get(
        USER_ID, extra_headers={"X-Trace": "abc"}, extra_query={"expand": "x"}, timeout=1.5
    )

    request = route.calls[0].request
    assert request.headers["x-trace"] == "abc"
    assert request.url.params["expand"] == "x"
    assert request.extensions["timeout"] == {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}
    assert request.headers["user-agent"].startswith("platform-sdk-python/")


def test_raw_response(client: Client, api: respx.MockRouter) -> None:
    api.get(f"/api/v1/users/{USER_ID}").mock(
        return_value=httpx.Response(
            200, json=user_json(id=str(USER_ID)), headers={"x-request-id": "r-42"}
        )
    )

    raw = client.with_raw_response.users.get(USER_ID)

    assert isinstance(raw, APIResponse)
    assert (raw.status_code, raw.request_id, raw.headers["x-request-id"]) == (200, "r-42", "r-42")
    assert raw.http_response.request.url.path == f"/api/v1/users/{USER_ID}"
    user = raw.parse()
    assert isinstance(user, User) and user.id == USER_ID
    assert raw.parse() is user


@pytest.mark.anyio
async def test_async_raw_response_of_a_page(aclient: AsyncClient, api: respx.MockRouter) -> None:
    api.get("/api/v1/users").mock(
        return_value=httpx.Response(200, json={"data": [user_json()], "next_cursor": None})
    )
    raw = await aclient.with_raw_response.users.list(limit=1)
    page = raw.parse()
    assert raw.status_code == 200
    assert [u.name for u in page.data] == ["Ada"]


def test_models_carry_request_id_outside_their_data(client: Client, api: respx.MockRouter) -> None:
    api.get("/api/v1/users/me").mock(
        return_value=httpx.Response(200, json=user_json(), headers={"x-request-id": "7c1e"})
    )
    user = client.users.me()
    assert user.request_id == "7c1e"
    assert "request_id" not in user.model_dump()
    assert "7c1e" not in user.model_dump_json()


def test_models_keep_fields_of_a_newer_server(client: Client, api: respx.MockRouter) -> None:
    api.get("/api/v1/users/me").mock(
        return_value=httpx.Response(200, json=user_json(loyalty_tier="gold"))
    )
    user = client.users.me()
    assert user.loyalty_tier == "gold"  # type: ignore[attr-defined]
    assert user.created_at == datetime(2026, 11, 25, 8, 0, 0, 123456, tzinfo=UTC)
    assert set(User.model_fields) == {
        "id",
        "email",
        "name",
        "role",
        "status",
        "email_verified_at",
        "created_at",
        "updated_at",
    }


def test_none_omits_and_null_sends_json_null(client: Client, api: respx.MockRouter) -> None:
    route = api.put(f"/api/v1/users/{USER_ID}/profile").mock(
        return_value=httpx.Response(200, json={"user_id": str(USER_ID), "bio": "hi"})
    )

    profile = client.users.profile.set(USER_ID, bio="hi", location=NULL, phone=None)

    assert json.loads(route.calls[0].request.read()) == {"bio": "hi", "location": None}
    assert route.calls[0].request.headers["content-type"] == "application/json"
    assert isinstance(profile, Profile)
    assert repr(NULL) == "NULL" and not NULL
    assert platform_sdk.NullType() is NULL


def test_update_sends_only_given_fields(client: Client, api: respx.MockRouter) -> None:
    route = api.patch(f"/api/v1/users/{USER_ID}").mock(
        return_value=httpx.Response(200, json=user_json())
    )
    client.users.update(USER_ID, status="suspended")
    assert json.loads(route.calls[0].request.read()) == {"status": "suspended"}


def test_health_is_served_from_root_without_credentials(
    client: Client, api: respx.MockRouter
) -> None:
    live = api.get("/healthz").mock(return_value=httpx.Response(200, json={"status": "ok"}))
    api.get("/readyz").mock(
        return_value=httpx.Response(200, json={"status": "ok", "database": "ok"})
    )

    assert client.health.live() == HealthStatus(status="ok")
    assert client.health.ready().database == "ok"
    assert "authorization" not in live.calls[0].request.headers


def test_path_params_are_escaped(client: Client, api: respx.MockRouter) -> None:
    route = api.delete(url__regex=r"/api/v1/api-keys/.*").mock(return_value=httpx.Response(204))
    client.api_keys.revoke("a/b")
    assert route.calls[0].request.url.raw_path == b"/api/v1/api-keys/a%2Fb"


def test_methods_without_a_body_send_what_their_signature_says(
    client: Client, api: respx.MockRouter
) -> None:
    """``products.images.set_primary`` and ``users.list``/``users.change_password`` have no
    body: the first parameter fills ``{id}``, ``image_id`` its own placeholder, the other
    parameters are query fields (GET) or JSON body fields (POST), given by position or name."""
    image = {
        "id": str(USER_ID),
        "product_id": str(USER_ID),
        "filename": "a.png",
        "content_type": "image/png",
        "width": 1,
        "height": 1,
        "size_bytes": 1,
        "position": 0,
        "is_primary": True,
        "url": "/i",
        "created_at": "2026-11-25T08:00:00Z",
    }
    primary = api.post(f"/api/v1/products/p1/images/{USER_ID}/primary").mock(
        return_value=httpx.Response(200, json=image)
    )
    page = {"data": [user_json(id=str(USER_ID))], "next_cursor": None}
    listed = api.get("/api/v1/users").mock(return_value=httpx.Response(200, json=page))
    password = api.post(f"/api/v1/users/{USER_ID}/password").mock(return_value=httpx.Response(204))

    assert client.products.images.set_primary("p1", image_id=USER_ID).is_primary
    assert [u.id for u in client.users.list(role="admin", limit=5)] == [USER_ID]
    assert client.users.change_password(user_id=USER_ID, new_password="n3w-pass") is None

    assert primary.calls[0].request.read() == b""
    assert dict(listed.calls[0].request.url.params) == {"role": "admin", "limit": "5"}
    assert json.loads(password.calls[0].request.read()) == {"new_password": "n3w-pass"}


def test_registered_operations_cover_the_documented_api() -> None:
    """The registry finds operations on every level of resources (sub-resources such as
    ``products.images`` and ``payments.refunds`` included), the same for both clients.
    That every operation the server documents has a method, and no method names an
    operation it does not, is checked against the live document in
    ``tests/test_sdk_coverage.py``; this list is a sample that pins the walk itself."""
    expected = {
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("POST", "/api/v1/users"),
        ("GET", "/api/v1/users"),
        ("GET", "/api/v1/users/me"),
        ("GET", "/api/v1/users/{id}"),
        ("PATCH", "/api/v1/users/{id}"),
        ("DELETE", "/api/v1/users/{id}"),
        ("GET", "/api/v1/users/{id}/profile"),
        ("PUT", "/api/v1/users/{id}/profile"),
        ("POST", "/api/v1/users/{id}/password"),
        ("DELETE", "/api/v1/users/{id}/sessions"),
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/refresh"),
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/auth/sessions"),
        ("DELETE", "/api/v1/auth/sessions/{id}"),
        ("POST", "/api/v1/auth/verify-email"),
        ("POST", "/api/v1/auth/verify-email/resend"),
        ("POST", "/api/v1/auth/password-reset"),
        ("POST", "/api/v1/auth/password-reset/confirm"),
        ("POST", "/api/v1/auth/mfa/enroll"),
        ("POST", "/api/v1/auth/mfa/confirm"),
        ("POST", "/api/v1/auth/mfa/verify"),
        ("POST", "/api/v1/auth/mfa/disable"),
        ("POST", "/api/v1/auth/mfa/recovery-codes"),
        ("POST", "/api/v1/api-keys"),
        ("GET", "/api/v1/api-keys"),
        ("DELETE", "/api/v1/api-keys/{id}"),
        ("POST", "/api/v1/products"),
        ("GET", "/api/v1/products"),
        ("POST", "/api/v1/products/batch"),
        ("GET", "/api/v1/products/{id}"),
        ("PATCH", "/api/v1/products/{id}"),
        ("DELETE", "/api/v1/products/{id}"),
        ("GET", "/api/v1/products/{id}/recommendations"),
        ("GET", "/api/v1/products/{id}/inventory"),
        ("POST", "/api/v1/products/{id}/inventory/adjustments"),
        ("GET", "/api/v1/products/{id}/inventory/adjustments"),
        ("GET", "/api/v1/categories"),
        ("POST", "/api/v1/orders"),
        ("GET", "/api/v1/orders"),
        ("GET", "/api/v1/orders/{id}"),
        ("GET", "/api/v1/orders/{id}/history"),
        ("POST", "/api/v1/orders/{id}/cancel"),
        ("POST", "/api/v1/orders/{id}/fulfill"),
        ("POST", "/api/v1/orders/{id}/ship"),
        ("POST", "/api/v1/orders/{id}/deliver"),
        ("GET", "/api/v1/orders/{id}/invoice"),
        ("POST", "/api/v1/orders/{id}/payments"),
        ("GET", "/api/v1/orders/{id}/payments"),
        ("GET", "/api/v1/payments/{id}"),
        ("POST", "/api/v1/payments/{id}/refunds"),
        ("GET", "/api/v1/payments/{id}/refunds/{refund_id}/credit-note"),
        ("GET", "/api/v1/notifications"),
        ("GET", "/api/v1/notifications/{id}"),
        ("POST", "/api/v1/notifications/{id}/retry"),
        ("GET", "/api/v1/audit"),
        ("GET", "/api/v1/audit/{id}"),
        ("GET", "/api/v1/events"),
        ("GET", "/api/v1/events/{id}"),
        ("GET", "/api/v1/events/stream"),
        ("GET", "/api/v1/stats/overview"),
        ("POST", "/api/v1/webhooks"),
        ("GET", "/api/v1/webhooks"),
        ("GET", "/api/v1/webhooks/{id}"),
        ("PATCH", "/api/v1/webhooks/{id}"),
        ("DELETE", "/api/v1/webhooks/{id}"),
        ("POST", "/api/v1/webhooks/{id}/rotate-secret"),
        ("POST", "/api/v1/webhooks/{id}/test"),
        ("GET", "/api/v1/webhooks/{id}/deliveries"),
        ("GET", "/api/v1/webhooks/{id}/deliveries/{delivery_id}"),
        ("POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver"),
        ("DELETE", "/api/v1/users/{id}/mfa"),
        ("PUT", "/api/v1/users/me/avatar"),
        ("DELETE", "/api/v1/users/me/avatar"),
        ("GET", "/api/v1/users/{id}/avatar"),
        ("PUT", "/api/v1/users/{id}/avatar"),
        ("DELETE", "/api/v1/users/{id}/avatar"),
        ("POST", "/api/v1/products/{id}/images"),
        ("GET", "/api/v1/products/{id}/images"),
        ("PUT", "/api/v1/products/{id}/images/order"),
        ("POST", "/api/v1/products/{id}/images/{image_id}/primary"),
        ("DELETE", "/api/v1/products/{id}/images/{image_id}"),
        ("GET", "/api/v1/products/{id}/images/{image_id}/{variant}"),
    }
    found = registered_operations(Client)
    assert expected - found == set()
    assert registered_operations(AsyncClient) == found


def test_methods_expose_real_signatures(client: Client) -> None:
    import inspect

    params = inspect.signature(client.users.create).parameters
    assert list(params)[:4] == ["email", "password", "name", "role"]
    assert client.users.create.__name__ == "create"
    assert "Create a user" in (client.users.create.__doc__ or "")


def test_repr_hides_credentials() -> None:
    with Client(BASE_URL, api_key="plat_secret", access_token="tok") as client:
        assert "secret" not in repr(client) and "tok" not in repr(client)
