"""Health probes, the OpenAPI document and the interactive docs."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from tests.conftest import assert_problem
from tests.servers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    READY,
    LiveServer,
    admin_sql,
    isolated_server,
    live_server,
    make_settings,
)

PROBES = ("/healthz", "/readyz")

# Every endpoint of docs/api.md.
DOCUMENTED = {
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/users/me"),
    ("get", "/api/v1/users/{id}"),
    ("patch", "/api/v1/users/{id}"),
    ("delete", "/api/v1/users/{id}"),
    ("get", "/api/v1/users/{id}/profile"),
    ("put", "/api/v1/users/{id}/profile"),
    ("post", "/api/v1/users/{id}/password"),
    ("delete", "/api/v1/users/{id}/sessions"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/auth/sessions"),
    ("delete", "/api/v1/auth/sessions/{id}"),
    ("post", "/api/v1/api-keys"),
    ("get", "/api/v1/api-keys"),
    ("delete", "/api/v1/api-keys/{id}"),
}


def test_healthz(api: httpx.Client) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz(api: httpx.Client) -> None:
    response = api.get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY


@pytest.fixture(scope="module")
def dead_database_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("deaddb")
    blocker = tmp / "not-a-directory"
    blocker.write_text("a file where the database directory should be")
    url = f"sqlite+aiosqlite:///{Path(blocker, 'platform.db')}"
    with live_server(make_settings(tmp / "data", url)) as live:
        yield live


def test_readyz_is_a_503_problem_when_the_database_is_unreachable(
    dead_database_server: LiveServer,
) -> None:
    with httpx.Client(base_url=dead_database_server.url, timeout=30) as client:
        assert client.get("/healthz").status_code == 200
        body = assert_problem(client.get("/readyz"), 503)
        assert body["type"] == "/problems/unavailable"


def test_database_outage_on_an_endpoint_is_a_503_problem(dead_database_server: LiveServer) -> None:
    with httpx.Client(base_url=dead_database_server.url, timeout=30) as client:
        response = client.post(
            "/api/v1/auth/login", json={"email": "a@example.com", "password": "tidal-lantern-42"}
        )
        body = assert_problem(response, 503)
        assert body["type"] == "/problems/unavailable"
        assert "sqlite" not in response.text.lower()


def _served_routes(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every API route the app serves, however FastAPI nests routers."""
    served: set[tuple[str, str]] = set()
    for route in app.routes:
        if isinstance(route, APIRoute):
            served |= {(m.lower(), route.path) for m in route.methods}
        contexts = getattr(route, "effective_route_contexts", None)
        for ctx in (contexts() if callable(contexts) else contexts) or ():
            served |= {(m.lower(), ctx.path) for m in ctx.methods or ()}
    return {(m, p) for m, p in served if p.startswith("/api/v1/") or p in PROBES}


def test_openapi_lists_every_route(api: httpx.Client, server: LiveServer) -> None:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    listed = {(m, path) for path, ops in doc["paths"].items() for m in ops}
    # Every endpoint of docs/api.md, and every route the app serves, is in the document.
    assert listed >= DOCUMENTED, DOCUMENTED - listed
    served = _served_routes(server.app)
    assert served >= DOCUMENTED, DOCUMENTED - served
    assert listed == served, listed ^ served
    for path, ops in doc["paths"].items():
        assert path.startswith("/api/v1/") or path in PROBES, path
        for op in ops.values():
            assert op.get("summary"), (path, op)


def test_openapi_declares_problem_conventions(api: httpx.Client) -> None:
    doc = api.get("/api/v1/openapi.json").json()
    login = doc["paths"]["/api/v1/auth/login"]["post"]
    assert set(login["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    params = {p["name"] for p in doc["paths"]["/api/v1/users"]["post"]["parameters"]}
    assert "Idempotency-Key".lower() in {p.lower() for p in params}


def test_docs_serve_html(api: httpx.Client) -> None:
    response = api.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/api/v1/openapi.json" in response.text


def test_connections_dropped_by_a_database_restart_give_a_503_then_recover(tmp_path: Path) -> None:
    """What a PostgreSQL restart does to a running server's pool: the request that finds
    its connection dropped gets a 503 problem (never a 500), and the pool replaces the
    dropped connections, so the requests after it succeed."""
    if not os.environ.get("PLATFORM_TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL not configured: set PLATFORM_TEST_DATABASE_URL to run this test")
    # The dispatcher idles, so the first to find a dropped connection is a request.
    quiet = isolated_server(tmp_path, dispatch_poll_seconds=60)
    with quiet as live, httpx.Client(base_url=live.url, timeout=30) as client:
        login = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        token = client.post("/api/v1/auth/login", json=login).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        # Several pooled connections, as a busy server has.
        with ThreadPoolExecutor(4) as pool:
            warm = list(pool.map(lambda _: client.get("/api/v1/orders").status_code, range(8)))
        assert warm == [200] * 8
        terminate_others = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        admin_sql(live.settings.resolved_database_url, terminate_others)
        time.sleep(0.3)
        statuses = []
        for _ in range(3):
            response = client.get("/api/v1/orders")
            if response.status_code == 503:
                assert assert_problem(response, 503)["type"] == "/problems/unavailable"
            statuses.append(response.status_code)
        assert statuses == [503, 200, 200]
