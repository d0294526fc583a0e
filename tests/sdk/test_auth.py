from __future__ import annotations

import asyncio
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import respx
from sdk_helpers import BASE_URL, jwt, problem_response, token_pair, user_json

from platform_sdk import (
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    PlatformError,
    TokenPair,
)


def bearer(call: respx.models.Call) -> str | None:
    return call.request.headers.get("authorization")


def test_api_key_is_sent_as_bearer(client: Client, api: respx.MockRouter) -> None:
    route = api.get("/api/v1/users/me").mock(return_value=httpx.Response(200, json=user_json()))
    client.users.me()
    assert bearer(route.calls[0]) == "Bearer plat_test"


def test_login_authenticates_the_client(api: respx.MockRouter) -> None:
    pair = token_pair(access="access-1", refresh="refresh-1")
    login = api.post("/api/v1/auth/login").mock(return_value=httpx.Response(200, json=pair))
    me = api.get("/api/v1/users/me").mock(return_value=httpx.Response(200, json=user_json()))

    with Client(BASE_URL) as client:
        tokens = client.auth.login(email="ada@example.com", password="pw-123456")
        client.users.me()

    assert tokens.refresh_token == "refresh-1"
    assert client.access_token == "access-1" and client.refresh_token == "refresh-1"
    assert bearer(login.calls[0]) is None
    assert login.calls[0].request.read() == b'{"email":"ada@example.com","password":"pw-123456"}'
    assert bearer(me.calls[0]) == "Bearer access-1"


def test_401_refreshes_once_and_retries_once(api: respx.MockRouter) -> None:
    refreshed: list[TokenPair] = []
    me = api.get("/api/v1/users/me").mock(
        side_effect=lambda request: (
            httpx.Response(200, json=user_json())
            if request.headers["authorization"] == "Bearer access-2"
            else problem_response(401)
        )
    )
    refresh = api.post("/api/v1/auth/refresh").mock(
        return_value=httpx.Response(200, json=token_pair(access="access-2", refresh="refresh-2"))
    )

    with Client(
        BASE_URL,
        access_token="access-1",
        refresh_token="refresh-1",
        on_tokens_refreshed=refreshed.append,
    ) as client:
        client.users.me()

    assert refresh.call_count == 1
    assert refresh.calls[0].request.read() == b'{"refresh_token":"refresh-1"}'
    assert bearer(refresh.calls[0]) is None
    assert [bearer(c) for c in me.calls] == ["Bearer access-1", "Bearer access-2"]
    assert [p.refresh_token for p in refreshed] == ["refresh-2"]
    assert client.refresh_token == "refresh-2"


def test_second_401_after_refresh_is_raised(api: respx.MockRouter) -> None:
    me = api.get("/api/v1/users/me").mock(return_value=problem_response(401))
    refresh = api.post("/api/v1/auth/refresh").mock(
        return_value=httpx.Response(200, json=token_pair(access="access-2"))
    )
    with (
        Client(BASE_URL, access_token="access-1", refresh_token="r1") as client,
        pytest.raises(AuthenticationError),
    ):
        client.users.me()
    assert (me.call_count, refresh.call_count) == (2, 1)


def test_login_401_never_triggers_refresh(api: respx.MockRouter) -> None:
    api.post("/api/v1/auth/login").mock(return_value=problem_response(401))
    refresh = api.post("/api/v1/auth/refresh").mock(
        return_value=httpx.Response(200, json=token_pair())
    )
    with (
        Client(BASE_URL, access_token="a", refresh_token="r1") as client,
        pytest.raises(AuthenticationError),
    ):
        client.auth.login(email="a@example.com", password="wrong-pass")
    assert refresh.call_count == 0


def test_401_without_refresh_token_is_raised(client: Client, api: respx.MockRouter) -> None:
    api.get("/api/v1/users/me").mock(return_value=problem_response(401))
    refresh = api.post("/api/v1/auth/refresh")
    with pytest.raises(AuthenticationError):
        client.users.me()
    assert refresh.call_count == 0


def test_failed_refresh_drops_the_refresh_token(api: respx.MockRouter) -> None:
    api.get("/api/v1/users/me").mock(return_value=problem_response(401))
    refresh = api.post("/api/v1/auth/refresh").mock(return_value=problem_response(401))
    with Client(BASE_URL, access_token="a", refresh_token="r1") as client:
        for _ in range(2):
            with pytest.raises(AuthenticationError):
                client.users.me()
    assert refresh.call_count == 1
    assert client.refresh_token is None


def test_proactive_refresh_when_exp_is_near(api: respx.MockRouter) -> None:
    expiring = jwt(time.time() + 10)
    refresh = api.post("/api/v1/auth/refresh").mock(
        return_value=httpx.Response(200, json=token_pair(access="access-2"))
    )
    me = api.get("/api/v1/users/me").mock(return_value=httpx.Response(200, json=user_json()))

    with Client(BASE_URL, access_token=expiring, refresh_token="r1") as client:
        client.users.me()
        client.users.me()

    assert refresh.call_count == 1
    assert [bearer(c) for c in me.calls] == ["Bearer access-2", "Bearer access-2"]


def test_no_proactive_refresh_when_exp_is_far(api: respx.MockRouter) -> None:
    token = jwt(time.time() + 600)
    refresh = api.post("/api/v1/auth/refresh")
    api.get("/api/v1/users/me").mock(return_value=httpx.Response(200, json=user_json()))
    with Client(BASE_URL, access_token=token, refresh_token="r1") as client:
        client.users.me()
    assert refresh.call_count == 0


def test_refresh_token_alone_gets_an_access_token_first(api: respx.MockRouter) -> None:
    refresh = api.post("/api/v1/auth/refresh").mock(
        return_value=httpx.Response(200, json=token_pair(access="access-2"))
    )
    me = api.get("/api/v1/users/me").mock(return_value=httpx.Response(200, json=user_json()))
    with Client(BASE_URL, refresh_token="stored-refresh") as client:
        client.users.me()
    assert refresh.calls[0].request.read() == b'{"refresh_token":"stored-refresh"}'
    assert bearer(me.calls[0]) == "Bearer access-2"


def test_explicit_refresh_uses_held_token_and_calls_hook(api: respx.MockRouter) -> None:
    seen: list[TokenPair] = []
    route = api.post("/api/v1/auth/refresh").mock(
        return_value=httpx.Response(200, json=token_pair(access="access-9", refresh="refresh-9"))
    )
    with Client(BASE_URL, refresh_token="r1", on_tokens_refreshed=seen.append) as client:
        pair = client.auth.refresh()
        with pytest.raises(PlatformError):
            Client(BASE_URL).auth.refresh()
    assert route.calls[0].request.read() == b'{"refresh_token":"r1"}'
    assert pair.access_token == "access-9" and client.access_token == "access-9"
    assert seen == [pair]


def test_logout_forgets_tokens(api: respx.MockRouter) -> None:
    route = api.post("/api/v1/auth/logout").mock(return_value=httpx.Response(204))
    with Client(BASE_URL, access_token="a1", refresh_token="r1") as client:
        assert client.auth.logout() is None
    assert bearer(route.calls[0]) == "Bearer a1"
    assert route.calls[0].request.read() == b"{}"
    assert (client.access_token, client.refresh_token) == (None, None)


def test_concurrent_threads_share_one_refresh(api: respx.MockRouter) -> None:
    calls = threading.Semaphore(0)

    def refresh_handler(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)  # keep the refresh in flight while the other threads hit 401
        calls.release()
        return httpx.Response(200, json=token_pair(access="access-2"))

    refresh = api.post("/api/v1/auth/refresh").mock(side_effect=refresh_handler)
    api.get("/api/v1/users/me").mock(
        side_effect=lambda request: (
            httpx.Response(200, json=user_json())
            if request.headers["authorization"] == "Bearer access-2"
            else problem_response(401)
        )
    )
    with (
        Client(BASE_URL, access_token="access-1", refresh_token="r1") as client,
        ThreadPoolExecutor(max_workers=6) as pool,
    ):
        users = list(pool.map(lambda _: client.users.me(), range(6)))
    assert len(users) == 6
    assert refresh.call_count == 1


@pytest.mark.anyio
async def test_concurrent_async_calls_share_one_refresh(api: respx.MockRouter) -> None:
    refreshed: list[TokenPair] = []

    async def refresh_handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.02)
        return httpx.Response(200, json=token_pair(access="access-2"))

    refresh = api.post("/api/v1/auth/refresh").mock(side_effect=refresh_handler)
    me = api.get("/api/v1/users/me").mock(
        side_effect=lambda request: (
            httpx.Response(200, json=user_json())
            if request.headers["authorization"] == "Bearer access-2"
            else problem_response(401)
        )
    )
    async with AsyncClient(
        BASE_URL, access_token="access-1", refresh_token="r1", on_tokens_refreshed=refreshed.append
    ) as client:
        users = await asyncio.gather(*(client.users.me() for _ in range(5)))

    assert len(users) == 5
    assert refresh.call_count == 1
    assert len(refreshed) == 1
    assert sum(bearer(c) == "Bearer access-1" for c in me.calls) == 5


@pytest.mark.anyio
async def test_async_login_then_401_refresh(api: respx.MockRouter) -> None:
    api.post("/api/v1/auth/login").mock(
        return_value=httpx.Response(200, json=token_pair(access="access-1", refresh="r1"))
    )
    refresh = api.post("/api/v1/auth/refresh").mock(
        return_value=httpx.Response(200, json=token_pair(access="access-2", refresh="r2"))
    )
    api.get("/api/v1/users/me").mock(
        side_effect=[problem_response(401), httpx.Response(200, json=user_json())]
    )
    async with AsyncClient(BASE_URL) as client:
        await client.auth.login(email="a@example.com", password="pw-123456")
        user = await client.users.me()
    assert user.name == "Ada"
    assert refresh.calls[0].request.read() == b'{"refresh_token":"r1"}'
    assert client.refresh_token == "r2"


def test_with_options_copy_shares_tokens(api: respx.MockRouter) -> None:
    api.post("/api/v1/auth/login").mock(
        return_value=httpx.Response(200, json=token_pair(access="access-1", refresh="r1"))
    )
    with Client(BASE_URL) as client:
        copy = client.with_options(timeout=5)
        client.auth.login(email="a@example.com", password="pw-123456")
        other = client.with_options(api_key="plat_other")
    assert copy.access_token == "access-1"
    assert other.access_token is None and other.api_key == "plat_other"


def test_token_pair_repr_hides_secrets() -> None:
    pair = TokenPair.model_validate(token_pair(access="secret-access", refresh="secret-refresh"))
    assert "secret" not in repr(pair) and "secret" not in str(pair)


ACCEPTED = {"detail": "If that address has an account, an email is on its way."}


def test_account_email_methods_send_their_bodies_without_a_token(api: respx.MockRouter) -> None:
    register = api.post("/api/v1/users").mock(return_value=httpx.Response(202, json=ACCEPTED))
    resend = api.post("/api/v1/auth/verify-email/resend").mock(
        return_value=httpx.Response(202, json=ACCEPTED)
    )
    reset = api.post("/api/v1/auth/password-reset").mock(
        return_value=httpx.Response(202, json=ACCEPTED)
    )
    verify = api.post("/api/v1/auth/verify-email").mock(return_value=httpx.Response(204))
    confirm = api.post("/api/v1/auth/password-reset/confirm").mock(return_value=httpx.Response(204))
    with Client(BASE_URL, api_key="plat_test") as client:
        signed_up = client.users.register(email="ada@example.com", password="pw-1", name="Ada")
        assert signed_up.detail == ACCEPTED["detail"]
        assert client.auth.resend_verification("ada@example.com").detail == ACCEPTED["detail"]
        assert client.auth.request_password_reset("ada@example.com").detail == ACCEPTED["detail"]
        assert client.auth.verify_email("tok-1") is None
        assert client.auth.confirm_password_reset("tok-2", "new-pw-123") is None
    assert verify.calls[0].request.read() == b'{"token":"tok-1"}'
    assert confirm.calls[0].request.read() == b'{"token":"tok-2","new_password":"new-pw-123"}'
    assert reset.calls[0].request.read() == b'{"email":"ada@example.com"}'
    for route in (register, resend, reset, verify, confirm):
        assert bearer(route.calls[0]) is None  # anonymous calls, even from a signed-in client
    assert register.calls[0].request.headers["idempotency-key"]


@pytest.mark.anyio
async def test_account_email_methods_async(api: respx.MockRouter) -> None:
    api.post("/api/v1/auth/password-reset").mock(return_value=httpx.Response(202, json=ACCEPTED))
    refused = {
        "type": "/problems/token-used",
        "title": "Token already used",
        "status": 400,
        "detail": "This code was used already.",
    }
    api.post("/api/v1/auth/verify-email").mock(
        return_value=httpx.Response(
            400, json=refused, headers={"content-type": "application/problem+json"}
        )
    )
    async with AsyncClient(BASE_URL) as client:
        accepted = await client.auth.request_password_reset("ada@example.com")
        assert accepted.detail == ACCEPTED["detail"]
        with pytest.raises(BadRequestError) as caught:
            await client.auth.verify_email("tok-1")
    assert caught.value.type == "/problems/token-used"


def test_account_email_methods_against_the_server(live: tuple[str, tuple[str, str]]) -> None:
    url, _ = live
    email = f"sdk-signup-{uuid.uuid4().hex[:10]}@example.com"
    with Client(url) as client:
        first = client.users.register(email=email, password="tidal-lantern-42", name="Sdk Signup")
        again = client.users.register(email=email, password="copper-willow-57", name="Other")
        assert first.detail == again.detail
        resent = client.auth.resend_verification(email)
        unknown = client.auth.resend_verification(f"nobody-{uuid.uuid4().hex[:8]}@example.com")
        assert resent.detail == unknown.detail
        assert client.auth.request_password_reset(email).detail
        with pytest.raises(BadRequestError) as caught:
            client.auth.verify_email("not-a-real-token")
        assert caught.value.type == "/problems/token-invalid"
        with pytest.raises(BadRequestError) as wrong:
            client.auth.confirm_password_reset("not-a-real-token", "a-new-password-1")
        assert wrong.value.type == "/problems/token-invalid"
        # A signed-in customer's create is taken as a sign-up: a plain message, not a
        # response-validation error.
        client.auth.login(email=email, password="tidal-lantern-42")
        with pytest.raises(PlatformError, match="Only an admin creates users"):
            client.users.create(email=f"x-{email}", password="saffron-canyon-38", name="X")
