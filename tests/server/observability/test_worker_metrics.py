"""`platform worker run --metrics-port`: the worker's own metrics, as a real process.

Runs when PLATFORM_TEST_BROKER_URL names a RabbitMQ server (.ci/run sets it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import httpx

from tests.server.events.helpers import NEEDS_BROKER, stop_process, wait_for, worker_env
from tests.server.events.helpers import broker_server as broker_server  # the fixture
from tests.server.observability.helpers import free_port, value
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer

API = "/api/v1"

pytestmark = NEEDS_BROKER


def _scrape(url: str) -> str | None:
    try:
        response = httpx.get(url, timeout=10)
    except httpx.TransportError:
        return None
    assert response.status_code == 200, response.text
    return response.text


def test_the_worker_serves_its_metrics(broker_server: LiveServer) -> None:
    settings = broker_server.settings
    port = free_port()
    env = {**worker_env(settings, dict(os.environ)), "PLATFORM_METRICS_REFRESH_SECONDS": "0.2"}
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
        stop_process(worker)
    assert worker.returncode == 0
