"""Waiting for asynchronous dispatch: poll with a deadline, never sleep a fixed time."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from platform_server.core.settings import Settings
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server

API = "/api/v1"
BROKER_URL = os.environ.get("PLATFORM_TEST_BROKER_URL")
# The marks of a module whose tests need RabbitMQ (`pytestmark = NEEDS_BROKER`).
NEEDS_BROKER = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not BROKER_URL,
        reason="RabbitMQ not configured: set PLATFORM_TEST_BROKER_URL to run this test",
    ),
]


@pytest.fixture
def broker_server(tmp_path: Any) -> Iterator[LiveServer]:
    """A server of the test's own on RabbitMQ; its queues are deleted afterwards."""
    import asyncio

    from platform_server.events.broker import delete_topology

    with isolated_server(tmp_path, broker_url=BROKER_URL) as live:
        yield live
        asyncio.run(delete_topology(live.settings))


@contextmanager
def admin_client(base_url: str) -> Iterator[httpx.Client]:
    """A client signed in as the test admin."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        token = client.post(
            f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def place_order(admin: httpx.Client, name: str = "Dispatch test") -> dict[str, Any]:
    """A new product (stock 5), and an order of one of it."""
    product = admin.post(
        f"{API}/products",
        json={
            "sku": os.urandom(5).hex(),
            "name": name,
            "price": "5.00",
            "category": "dispatch",
            "stock": 5,
        },
    )
    assert product.status_code == 201, product.text
    order = admin.post(
        f"{API}/orders", json={"items": [{"product_id": product.json()["id"], "quantity": 1}]}
    )
    assert order.status_code == 201, order.text
    data: dict[str, Any] = order.json()
    return data


def wait_for(check: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def events_of(
    api: httpx.Client, headers: dict[str, str], resource_id: str, type_: str | None = None
) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"resource_id": resource_id, "limit": 100}
    if type_:
        params["type"] = type_
    response = api.get(f"{API}/events", params=params, headers=headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def published(
    api: httpx.Client, headers: dict[str, str], resource_id: str, type_: str
) -> dict[str, Any]:
    """The event, once it has its stream position."""

    def check() -> dict[str, Any] | None:
        found = [e for e in events_of(api, headers, resource_id, type_) if e["position"]]
        return found[0] if found else None

    result: dict[str, Any] = wait_for(check, what=f"{type_} of {resource_id} to be published")
    return result


def worker_env(settings: Settings, environ: dict[str, str]) -> dict[str, str]:
    """The environment of a `platform worker run` process serving `settings`' server."""
    env = {
        **environ,
        "PLATFORM_DATABASE_URL": settings.resolved_database_url,
        "PLATFORM_DATA_DIR": str(settings.data_dir),
        "PLATFORM_JWT_SECRET": settings.signing_secret,
        "PLATFORM_BROKER_URL": settings.broker_url or "",
        "PLATFORM_BROKER_PREFIX": settings.broker_prefix,
        "PLATFORM_DISPATCH_POLL_SECONDS": "0.1",
    }
    if settings.redis_url:
        env["PLATFORM_REDIS_URL"] = settings.redis_url
    return env


def stop_process(process: subprocess.Popen[Any], sig: int = signal.SIGTERM) -> None:
    """Ask a process to stop; kill it if it has not after a generous wait."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
