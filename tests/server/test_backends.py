"""The optional backends really in use: PostgreSQL and Redis (skipped when not configured)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from tests.conftest import assert_problem
from tests.server.conftest import API, login, register, unique_email
from tests.servers import READY, LiveServer, live_server, make_settings

needs_postgres = pytest.mark.skipif(
    not os.environ.get("PLATFORM_TEST_DATABASE_URL"),
    reason="PostgreSQL not configured: set PLATFORM_TEST_DATABASE_URL to run this test",
)
needs_redis = pytest.mark.skipif(
    not os.environ.get("PLATFORM_TEST_REDIS_URL"),
    reason="Redis not configured: set PLATFORM_TEST_REDIS_URL to run this test",
)


@pytest.mark.postgres
@needs_postgres
def test_the_server_runs_on_postgresql(
    api: httpx.Client, server: LiveServer, admin_headers: dict[str, str]
) -> None:
    url = server.settings.resolved_database_url
    assert url.startswith("postgresql"), url
    assert not server.settings.is_sqlite
    assert server.app.services.db.engine.dialect.name == "postgresql"
    assert api.get("/readyz").json() == READY
    # The unique email holds case-insensitively there too.
    email = unique_email("pg")
    body = {"email": email, "password": "tidal-lantern-42", "name": "N"}
    assert api.post(f"{API}/users", json=body, headers=admin_headers).status_code == 201
    taken = api.post(f"{API}/users", json={**body, "email": email.upper()}, headers=admin_headers)
    assert_problem(taken, 409, field="email")
    # Self-registration of the taken address answers as for a new one, and creates nothing.
    assert register(api, email=email.upper()).status_code == 202


@pytest.mark.redis
@needs_redis
def test_login_failures_are_counted_in_redis(
    api: httpx.Client, server: LiveServer, tmp_path: Path
) -> None:
    import redis

    settings = server.settings
    assert settings.redis_url
    email = unique_email("redis")
    for _ in range(2):
        assert_problem(login(api, email, "wrong-password"), 401)
    client = redis.Redis.from_url(settings.redis_url)
    try:
        account_key = f"{settings.redis_prefix}login-failures:account:{email}"
        assert client.zcard(account_key) == 2
        assert 0 < client.ttl(account_key) <= settings.login_failure_window_seconds
        ip_keys = list(client.scan_iter(match=f"{settings.redis_prefix}login-failures:ip:*"))
        assert ip_keys, "the per-address count is in Redis too"
        # Everything this run wrote is under its own prefix.
        assert all(k.decode().startswith(settings.redis_prefix) for k in ip_keys)
    finally:
        client.close()
    # The count is shared: another API process on the same Redis prefix throttles at once.
    twin_settings = make_settings(
        tmp_path, settings.resolved_database_url, redis_prefix=settings.redis_prefix
    )
    with live_server(twin_settings) as twin, httpx.Client(base_url=twin.url, timeout=30) as other:
        for _ in range(settings.login_pair_free_failures - 2):
            assert_problem(login(other, email, "wrong-password"), 401)
        assert_problem(login(api, email, "wrong-password"), 429)
        assert_problem(login(other, email, "wrong-password"), 429)
