"""`platform worker run --metrics-port`: the worker's own metrics, as a real process.

Runs when PLATFORM_TEST_BROKER_URL names a RabbitMQ server (.ci/run sets it).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.events.helpers import wait_for
from tests.server.observability.helpers import value
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server

BROKER_URL = os.environ.get("PLATFORM_TEST_BROKER_URL")
API = "/api/v1"

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not BROKER_URL,
        reason="RabbitMQ not configured: set PLATFORM_TEST_BROKER_URL to run this test",
    ),
]


@pytest.fixture
def broker_server(tmp_path: Path) -> Iterator[LiveServer]:
    from platform_server.events.broker import delete_topology

    with isolated_server(tmp_path, broker_url=BROKER_URL) as live:
        yield live
        asyncio.run(delete_topology(live.settings))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _scrape(url: str) -> str | None:
    try:
        response = httpx.get(url, timeout=10)
    except httpx.TransportError:
        return None
    assert response.status_code == 200, response.text
    return response.text


def test_the_worker_serves_its_metrics(broker_server: LiveServer) -> None:
    settings = broker_server.settings
    port = _free_port()
    env = {
        **os.environ,
        "PLATFORM_DATABASE_URL": settings.resolved_database_url,
        "PLATFORM_DATA_DIR": str(settings.data_dir),
        "PLATFORM_JWT_SECRET": settings.signing_secret,
        "PLATFORM_BROKER_URL": settings.broker_url or "",
        "PLATFORM_BROKER_PREFIX": settings.broker_prefix,
        "PLATFORM_DISPATCH_POLL_SECONDS": "0.1",
        "PLATFORM_METRICS_REFRESH_SECONDS": "0.2",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-c", "from platform_cli.main import run; run()"]
    worker = subprocess.Popen([*command, "worker", "run", "--metrics-port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        first = wait_for(lambda: _scrape(url), timeout=120, what="the worker's metrics")
        assert "platform_events_delivered_total" in first
        with httpx.Client(base_url=broker_server.url, timeout=30) as api:
            token = api.post(
                f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            ).json()["access_token"]
            created = api.post(
                f"{API}/products",
                json={"sku": uuid.uuid4().hex[:12], "name": "W", "price": "1.00", "category": "w"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert created.status_code == 201, created.text
        # The API process published the product's event; the worker handed it on.
        delivered = wait_for(
            lambda: (
                (text := _scrape(url))
                and value(text, "platform_events_delivered_total") >= 1
                and "platform_outbox_backlog" in text
                and text
            ),
            timeout=60,
            what="the worker to count a delivered event",
        )
        assert 'platform_notifications{state="queued"}' in delivered
        assert value(delivered, "platform_db_pool_size", pool="read") >= 1
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0
