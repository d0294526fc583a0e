from __future__ import annotations

import email.utils
import time

import httpx
import pytest
import respx
from sdk_helpers import BASE_URL, problem_response, user_json

from platform_sdk import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    Client,
    ConflictError,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
)


def test_get_is_retried_on_5xx_with_exponential_backoff(
    client: Client, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get("/api/v1/users/me").mock(
        side_effect=[
            problem_response(503),
            problem_response(500),
            httpx.Response(200, json=user_json()),
        ]
    )

    user = client.users.me()

    assert user.email == "ada@example.com"
    assert route.call_count == 3
    assert sleeps == [0.5, 1.0]


def test_gives_up_after_max_retries(
    client: Client, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get("/api/v1/users/me").mock(return_value=problem_response(503))

    with pytest.raises(InternalServerError):
        client.users.me()

    assert route.call_count == 3
    assert len(sleeps) == 2


def test_max_retries_shortcut_and_policy(api: respx.MockRouter) -> None:
    route = api.get("/api/v1/users/me").mock(return_value=problem_response(500))
    sleeps: list[float] = []
    policy = RetryPolicy(max_retries=1, initial_delay=0.1, max_delay=0.15, jitter=0.0)
    with Client(BASE_URL, retry=policy, max_retries=4) as client:
        client._sleep = sleeps.append
        with pytest.raises(InternalServerError):
            client.users.me()

    assert route.call_count == 5
    assert sleeps == [0.1, 0.15, 0.15, 0.15]


def test_jitter_shortens_delay_within_bounds() -> None:
    policy = RetryPolicy(initial_delay=1.0, jitter=0.5)
    delays = [policy.backoff(1) for _ in range(200)]
    assert all(0.5 <= d <= 1.0 for d in delays)
    assert len(set(delays)) > 1


@pytest.mark.parametrize("status", [408, 429, 502])
def test_retryable_statuses(client: Client, api: respx.MockRouter, status: int) -> None:
    route = api.get("/api/v1/users/me").mock(
        side_effect=[problem_response(status), httpx.Response(200, json=user_json())]
    )
    client.users.me()
    assert route.call_count == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_not_retried(client: Client, api: respx.MockRouter, status: int) -> None:
    route = api.get("/api/v1/users/me").mock(return_value=problem_response(status))
    with pytest.raises(Exception) as caught:
        client.users.me()
    assert getattr(caught.value, "status_code", None) == status
    assert route.call_count == 1


def test_retry_after_seconds_replaces_backoff(
    client: Client, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.get("/api/v1/users/me").mock(
        side_effect=[
            problem_response(429, headers={"Retry-After": "3"}),
            httpx.Response(200, json=user_json()),
        ]
    )
    client.users.me()
    assert sleeps == [3.0]


def test_retry_after_http_date(client: Client, api: respx.MockRouter, sleeps: list[float]) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    api.get("/api/v1/users/me").mock(
        side_effect=[
            problem_response(503, headers={"Retry-After": when}),
            httpx.Response(200, json=user_json()),
        ]
    )
    client.users.me()
    assert len(sleeps) == 1
    assert 3.0 <= sleeps[0] <= 5.0


def test_retry_after_beyond_cap_is_not_retried(
    client: Client, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get("/api/v1/users/me").mock(
        return_value=problem_response(429, headers={"Retry-After": "3600"})
    )
    with pytest.raises(RateLimitError) as caught:
        client.users.me()
    assert caught.value.retry_after == 3600.0
    assert route.call_count == 1
    assert sleeps == []


def test_timeout_raises_api_timeout_error_after_retries(
    client: Client, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get("/api/v1/users/me").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as caught:
        client.users.me()
    assert route.call_count == 3
    assert sleeps == [0.5, 1.0]
    assert caught.value.request.url.path == "/api/v1/users/me"


def test_connection_error_is_retried_then_succeeds(client: Client, api: respx.MockRouter) -> None:
    route = api.get("/api/v1/users/me").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=user_json())]
    )
    assert client.users.me().name == "Ada"
    assert route.call_count == 2


def test_create_sends_one_generated_idempotency_key_on_every_retry(
    client: Client, api: respx.MockRouter
) -> None:
    route = api.post("/api/v1/users").mock(
        side_effect=[
            httpx.ConnectError("reset"),
            problem_response(503),
            httpx.Response(201, json=user_json()),
        ]
    )

    client.users.create(email="ada@example.com", password="s3cret-pass", name="Ada")

    keys = [call.request.headers.get("idempotency-key") for call in route.calls]
    assert len(keys) == 3
    assert keys[0] and len(set(keys)) == 1


def test_each_create_call_gets_its_own_key(client: Client, api: respx.MockRouter) -> None:
    route = api.post("/api/v1/api-keys").mock(
        return_value=httpx.Response(
            201,
            json={
                "id": "3f0c2a53-3a59-4d0e-8a57-2b8f5d3f1b10",
                "name": "ci",
                "prefix": "plat_ab",
                "scopes": [],
                "expires_at": None,
                "last_used_at": None,
                "created_at": "2026-11-25T08:00:00Z",
                "key": "plat_secret",
            },
        )
    )
    client.api_keys.create(name="ci")
    client.api_keys.create(name="ci")
    first, second = (call.request.headers["idempotency-key"] for call in route.calls)
    assert first != second


def test_caller_idempotency_key_is_used(client: Client, api: respx.MockRouter) -> None:
    route = api.post("/api/v1/users").mock(
        side_effect=[problem_response(500), httpx.Response(201, json=user_json())]
    )
    client.users.create(
        email="a@example.com", password="s3cret-pass", name="A", idempotency_key="k-1"
    )
    assert [c.request.headers["idempotency-key"] for c in route.calls] == ["k-1", "k-1"]


def test_conflict_on_create_is_not_retried(client: Client, api: respx.MockRouter) -> None:
    route = api.post("/api/v1/users").mock(return_value=problem_response(409))
    with pytest.raises(ConflictError):
        client.users.create(email="a@example.com", password="s3cret-pass", name="A")
    assert route.call_count == 1


def test_post_without_idempotency_is_never_retried(client: Client, api: respx.MockRouter) -> None:
    login = api.post("/api/v1/auth/login").mock(side_effect=httpx.ConnectError("refused"))
    password = api.post("/api/v1/users/u1/password").mock(return_value=problem_response(503))

    with pytest.raises(APIConnectionError):
        client.auth.login(email="a@example.com", password="pw-123456")
    with pytest.raises(InternalServerError):
        client.users.change_password("u1", new_password="new-pass-123")

    assert login.call_count == 1
    assert password.call_count == 1
    assert "idempotency-key" not in password.calls[0].request.headers


def test_patch_is_not_retried(client: Client, api: respx.MockRouter) -> None:
    route = api.patch("/api/v1/users/u1").mock(return_value=problem_response(503))
    with pytest.raises(InternalServerError):
        client.users.update("u1", name="B")
    assert route.call_count == 1


def test_put_and_delete_are_retried(client: Client, api: respx.MockRouter) -> None:
    put = api.put("/api/v1/users/u1/profile").mock(
        side_effect=[
            problem_response(502),
            httpx.Response(200, json={"user_id": "9f6c2a53-3a59-4d0e-8a57-2b8f5d3f1b10"}),
        ]
    )
    delete = api.delete("/api/v1/users/u1").mock(
        side_effect=[httpx.ConnectError("x"), httpx.Response(204)]
    )
    client.users.profile.set("u1", bio="hi")
    client.users.delete("u1")
    assert (put.call_count, delete.call_count) == (2, 2)


def test_refresh_is_not_retried(api: respx.MockRouter) -> None:
    route = api.post("/api/v1/auth/refresh").mock(return_value=problem_response(503))
    with Client(BASE_URL, refresh_token="r1") as client, pytest.raises(InternalServerError):
        client.auth.refresh()
    assert route.call_count == 1


@pytest.mark.anyio
async def test_async_retries_with_same_idempotency_key(
    aclient: AsyncClient, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.post("/api/v1/users").mock(
        side_effect=[
            httpx.ReadTimeout("slow"),
            problem_response(429, headers={"Retry-After": "2"}),
            httpx.Response(201, json=user_json()),
        ]
    )

    user = await aclient.users.create(email="a@example.com", password="s3cret-pass", name="A")

    assert user.name == "Ada"
    assert sleeps == [0.5, 2.0]
    assert len({c.request.headers["idempotency-key"] for c in route.calls}) == 1


@pytest.mark.anyio
async def test_async_timeout_maps_to_api_timeout_error(
    aclient: AsyncClient, api: respx.MockRouter
) -> None:
    api.get("/healthz").mock(side_effect=httpx.ConnectTimeout("slow"))
    with pytest.raises(APITimeoutError):
        await aclient.with_options(max_retries=0).health.live()
