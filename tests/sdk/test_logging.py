from __future__ import annotations

import logging

import httpx
import pytest
import respx
from sdk_helpers import BASE_URL, problem_response, token_pair, user_json

from platform_sdk import Client

SECRETS = (
    "plat_key_secret",
    "pw-very-secret",
    "access-secret",
    "refresh-secret",
    "ada@example.com",
)


def test_debug_log_shows_calls_but_no_secrets(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, api: respx.MockRouter
) -> None:
    monkeypatch.setenv("PLATFORM_LOG", "debug")
    api.post("/api/v1/auth/login").mock(
        return_value=httpx.Response(
            200, json=token_pair(access="access-secret", refresh="refresh-secret", expires_in=900)
        )
    )
    api.get("/api/v1/users/me").mock(
        side_effect=[problem_response(503), httpx.Response(200, json=user_json())]
    )
    api.get("/api/v1/users").mock(
        return_value=httpx.Response(200, json={"data": [], "next_cursor": None})
    )

    caplog.set_level(logging.DEBUG, logger="platform_sdk")
    with Client(BASE_URL, api_key="plat_key_secret") as client:
        client._sleep = lambda _seconds: None
        assert logging.getLogger("platform_sdk").level == logging.DEBUG
        client.auth.login(email="ada@example.com", password="pw-very-secret")
        client.users.me()
        client.users.list(q="ada@example.com")

    text = caplog.text
    assert "POST http://platform.test/api/v1/auth/login -> 200" in text
    assert "GET http://platform.test/api/v1/users/me -> 503" in text
    assert "retrying GET http://platform.test/api/v1/users/me in 0." in text
    assert "GET http://platform.test/api/v1/users?q=*** -> 200" in text
    assert " ms " in text
    for secret in SECRETS:
        assert secret not in text
    assert all(r.name.startswith("platform_sdk") for r in caplog.records)


def test_without_env_the_level_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("platform_sdk")
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    with Client(BASE_URL):
        assert logger.level == logging.NOTSET
