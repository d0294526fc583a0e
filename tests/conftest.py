from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.servers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LiveServer,
    drop_redis_prefix,
    live_server,
    make_settings,
    prepare_database,
    test_database,
)


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = os.environ.get("PLATFORM_TEST_DATABASE_URL")
    redis_url = os.environ.get("PLATFORM_TEST_REDIS_URL")
    broker = os.environ.get("PLATFORM_TEST_BROKER_URL")
    return [
        f"database: {'PostgreSQL (' + db + ')' if db else 'SQLite (embedded default)'}",
        f"redis: {redis_url or 'not used (in-memory throttling)'}",
        f"broker: {broker or 'not used (embedded dispatch)'}",
    ]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with test_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[LiveServer]:
    settings = make_settings(tmp_path_factory.mktemp("data"), database_url)
    prepare_database(settings)
    with live_server(settings) as live:
        yield live
    drop_redis_prefix(settings)


@pytest.fixture(scope="session")
def server_url(server: LiveServer) -> str:
    return server.url


@pytest.fixture(scope="session")
def admin_credentials() -> tuple[str, str]:
    return ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture
def api(server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def admin_token(server_url: str) -> str:
    response = httpx.post(
        f"{server_url}/api/v1/auth/login",
        json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


@pytest.fixture
def admin_headers(admin_token: str) -> dict[str, str]:
    return bearer(admin_token)


@dataclass
class Account:
    id: str
    email: str
    password: str
    access_token: str
    refresh_token: str
    data: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


@pytest.fixture
def make_user(api: httpx.Client, admin_headers: dict[str, str]) -> Callable[..., Account]:
    """Register a user with a unique email (and a role, set by the admin) and sign it in."""

    def make(
        role: str = "customer", name: str = "Test User", password: str = "password-123"
    ) -> Account:
        email = f"user-{uuid.uuid4().hex[:12]}@example.com"
        body: dict[str, Any] = {"email": email, "password": password, "name": name}
        headers: dict[str, str] = {}
        if role != "customer":
            body["role"] = role
            headers = admin_headers
        created = api.post("/api/v1/users", json=body, headers=headers)
        assert created.status_code == 201, created.text
        tokens = api.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert tokens.status_code == 200, tokens.text
        pair = tokens.json()
        return Account(
            id=created.json()["id"],
            email=email,
            password=password,
            access_token=pair["access_token"],
            refresh_token=pair["refresh_token"],
            data=created.json(),
        )

    return make


@pytest.fixture
def customer(make_user: Callable[..., Account]) -> Account:
    return make_user()


@pytest.fixture
def staff(make_user: Callable[..., Account]) -> Account:
    return make_user(role="staff")


def assert_problem(
    response: httpx.Response, status: int, *, field: str | None = None
) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and an error naming `field`)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    if field is not None:
        assert any(field in err["loc"] for err in body.get("errors", [])), body
    return body
