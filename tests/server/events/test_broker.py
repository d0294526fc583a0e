"""The RabbitMQ transport: API processes publish, separate worker processes deliver.

Runs when PLATFORM_TEST_BROKER_URL names a RabbitMQ server (.ci/run sets it).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from platform_sdk import webhooks
from tests.server.events.helpers import (
    API,
    BROKER_URL,
    NEEDS_BROKER,
    admin_client,
    place_order,
    stop_process,
    wait_for,
    worker_env,
)
from tests.server.events.receiver import Receiver, webhook_receiver
from tests.servers import LiveServer, isolated_server

pytestmark = NEEDS_BROKER

# The dead worker's lease on its delivery runs out after this; then a new worker retries.
# (A lease must outlast one attempt: the timeouts plus five seconds.)
TIMEOUT_SECONDS = 2
LEASE_SECONDS = TIMEOUT_SECONDS + 5


@pytest.fixture
def broker_server(tmp_path: Path) -> Iterator[LiveServer]:
    from platform_server.events.broker import delete_topology

    with isolated_server(
        tmp_path,
        broker_url=BROKER_URL,
        webhooks_allow_private=True,
        delivery_lease_seconds=LEASE_SECONDS,
        webhook_timeout_seconds=TIMEOUT_SECONDS,
        smtp_timeout_seconds=TIMEOUT_SECONDS,
        webhook_retry_seconds=[0.2, 0.2, 0.2],
    ) as live:
        yield live
        asyncio.run(delete_topology(live.settings))


@pytest.fixture
def start_worker(broker_server: LiveServer) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """`platform worker run` as a separate process, as in production."""
    settings = broker_server.settings
    env = {
        **worker_env(settings, dict(os.environ)),
        "PLATFORM_WEBHOOKS_ALLOW_PRIVATE": "true",
        "PLATFORM_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
        "PLATFORM_WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "PLATFORM_SMTP_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "PLATFORM_WEBHOOK_RETRY_SECONDS": json.dumps(settings.webhook_retry_seconds),
    }
    workers: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        command = [sys.executable, "-c", "from platform_cli.main import run; run()"]
        worker = subprocess.Popen([*command, "worker", "run"], env=env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        stop_process(worker)


def _endpoint(admin: httpx.Client, url: str) -> dict[str, Any]:
    created = admin.post(f"{API}/webhooks", json={"url": url, "events": ["order.created"]})
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()
    return data


def _deliveries(admin: httpx.Client, endpoint_id: str) -> list[dict[str, Any]]:
    response = admin.get(f"{API}/webhooks/{endpoint_id}/deliveries")
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _event_deliveries(receiver: Receiver, event_id: str) -> list[bytes]:
    return [r.body for r in receiver.requests if r.headers.get("webhook-id") == event_id]


def test_a_worker_delivers_what_the_api_publishes(
    broker_server: LiveServer, start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    with admin_client(broker_server.url) as admin, webhook_receiver() as receiver:
        endpoint = _endpoint(admin, receiver.url)
        order = place_order(admin)
        start_worker()  # started after the order: the broker kept the event meanwhile
        wait_for(lambda: receiver.requests, what="the webhook delivery")
        got = receiver.requests[0]
        event = webhooks.verify(got.body, got.headers, endpoint["secret"])
        assert event["type"] == "order.created"
        assert event["data"]["id"] == order["id"]
        assert got.headers["platform-event"] == "order.created"
        done = wait_for(
            lambda: [d for d in _deliveries(admin, endpoint["id"]) if d["status"] == "succeeded"],
            what="the delivery to be recorded as succeeded",
        )
        assert done[0]["attempts"] == 1


def test_killing_a_worker_mid_delivery_loses_nothing_and_has_one_effect(
    broker_server: LiveServer, start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    with admin_client(broker_server.url) as admin, webhook_receiver() as receiver:
        endpoint = _endpoint(admin, receiver.url)
        receiver.hold.set()  # the first delivery hangs until the worker is gone
        first = start_worker()
        order = place_order(admin)
        assert receiver.arrived.wait(30), "the first worker never delivered"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        receiver.hold.clear()
        receiver.released.set()

        start_worker()
        done = wait_for(
            lambda: [d for d in _deliveries(admin, endpoint["id"]) if d["status"] == "succeeded"],
            timeout=30,
            what="the restarted worker to finish the delivery",
        )
        event_id = done[0]["event_id"]
        # Delivered at least once more after the kill, always as the same message ...
        bodies = _event_deliveries(receiver, event_id)
        assert len(bodies) >= 2
        assert len(set(bodies)) == 1
        # ... so a receiver that de-duplicates on webhook-id applies it exactly once.
        applied = {json.loads(body)["id"] for body in bodies}
        assert applied == {event_id}
        assert json.loads(bodies[0])["data"]["id"] == order["id"]
        # One delivery record for the event, not one per worker.
        assert len(_deliveries(admin, endpoint["id"])) == 1
        assert done[0]["attempts"] >= 2
