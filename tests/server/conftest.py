"""Helpers for the live-server tests: tokens, logins and servers of their own."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from platform_server.core.settings import Settings
from tests.conftest import Account, bearer
from tests.servers import (
    LiveServer,
    drop_redis_prefix,
    live_server,
    make_settings,
    prepare_database,
    test_database,
)

API = "/api/v1"


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.com"


def kid_for(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def mint_token(
    settings: Settings,
    *,
    sub: str,
    sid: str,
    expires_in: timedelta = timedelta(minutes=5),
    secret: str | None = None,
    kid: str | None = None,
    algorithm: str = "HS256",
    **overrides: Any,
) -> str:
    """An access token shaped like the server's; any part may be changed to forge one."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "sid": sid,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now - timedelta(minutes=30),
        "nbf": now - timedelta(minutes=30),
        "exp": now + expires_in,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    key = settings.signing_secret if secret is None else secret
    headers = {"kid": kid if kid is not None else kid_for(key)}
    if algorithm == "none":
        return jwt.encode(claims, None, algorithm="none", headers=headers)
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def login(api: httpx.Client, email: str, password: str, **kw: Any) -> httpx.Response:
    return api.post(f"{API}/auth/login", json={"email": email, "password": password}, **kw)


def login_ok(api: httpx.Client, email: str, password: str, **kw: Any) -> dict[str, Any]:
    response = login(api, email, password, **kw)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def register(api: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("email", unique_email())
    body.setdefault("password", "tidal-lantern-42")
    body.setdefault("name", "Registered User")
    return api.post(f"{API}/users", json=body)


def find_users(api: httpx.Client, admin_headers: dict[str, str], q: str) -> list[dict[str, Any]]:
    response = api.get(f"{API}/users", params={"q": q, "limit": 100}, headers=admin_headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


@contextmanager
def own_server(
    tmp_path: Path, database_url: str | None = None, **overrides: Any
) -> Iterator[LiveServer]:
    """A second live server: on `database_url` (shared), or on a fresh seeded database."""
    if database_url is not None:
        settings = make_settings(tmp_path, database_url, **overrides)
        try:
            with live_server(settings) as live:
                yield live
        finally:
            drop_redis_prefix(settings)
        return
    with test_database(tmp_path) as url:
        settings = make_settings(tmp_path, url, **overrides)
        prepare_database(settings)
        try:
            with live_server(settings) as live:
                yield live
        finally:
            drop_redis_prefix(settings)


def create_account(
    server_url: str, admin_token: str, role: str = "customer", name: str = "Shared User"
) -> Account:
    """Like the `make_user` fixture, for fixtures wider than one test."""
    email = unique_email(role)
    password = "tidal-lantern-42"
    body: dict[str, Any] = {"email": email, "password": password, "name": name, "role": role}
    with httpx.Client(base_url=server_url, timeout=30) as client:
        # Made by the admin: verified, so it may place orders.
        created = client.post(f"{API}/users", json=body, headers=bearer(admin_token))
        assert created.status_code == 201, created.text
        pair = login_ok(client, email, password)
    return Account(
        id=created.json()["id"],
        email=email,
        password=password,
        access_token=pair["access_token"],
        refresh_token=pair["refresh_token"],
        data=created.json(),
        # Shared by a module's tests: it renews its tokens, however long they run.
        base_url=server_url,
    )


@pytest.fixture(scope="module")
def shared_customer(server_url: str, admin_account: Account) -> Account:
    """A customer for tests that only read it or send it requests that fail validation."""
    return create_account(server_url, admin_account.access_token)


@pytest.fixture(scope="module")
def shared_staff(server_url: str, admin_account: Account) -> Account:
    """A staff member for tests that only read with it."""
    return create_account(server_url, admin_account.access_token, role="staff")
