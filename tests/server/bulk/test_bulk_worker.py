"""With RabbitMQ configured, bulk jobs run in `platform worker run`: a worker killed
(SIGKILL) mid-import is replaced, and the job resumes from its last committed chunk,
each row applied once. Runs when PLATFORM_TEST_BROKER_URL is set (.ci/run sets it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.server.bulk.helpers import finished, products_csv, start_import
from tests.server.commerce.conftest import API, new_category
from tests.server.events.helpers import (
    NEEDS_BROKER,
    admin_client,
    stop_process,
    wait_for,
    worker_env,
)
from tests.server.events.helpers import broker_server as broker_server  # the fixture
from tests.servers import LiveServer

ROWS = 1000
CHUNK = 100
PAUSE_AFTER = 3

pytestmark = NEEDS_BROKER


def _worker(live: LiveServer, **extra: str) -> subprocess.Popen[bytes]:
    env = {
        **worker_env(live.settings, dict(os.environ)),
        "PLATFORM_BULK_CHUNK_ROWS": str(CHUNK),
        "PLATFORM_BULK_LEASE_SECONDS": "1",
        "PLATFORM_BULK_POLL_SECONDS": "0.1",
        **extra,
    }
    command = [sys.executable, "-c", "from platform_cli.main import run; run()"]
    return subprocess.Popen([*command, "worker", "run"], env=env)


def test_a_killed_worker_s_import_resumes_in_the_next_one(broker_server: LiveServer) -> None:
    category = new_category("wcrash")
    skus = [f"wcrash-{n:05d}-{category[-6:]}" for n in range(ROWS)]
    first = _worker(broker_server, PLATFORM_BULK_PAUSE_AFTER_CHUNK=str(PAUSE_AFTER))
    second = None
    try:
        with admin_client(broker_server.url) as admin:
            headers = dict(admin.headers)
            answer = start_import(admin, headers, products_csv(skus, category=category))
            assert answer.status_code == 202, answer.text
            job_id = answer.json()["id"]

            def paused() -> bool:
                job = admin.get(f"{API}/bulk/jobs/{job_id}").json()
                return bool(job["progress"]["done"] == PAUSE_AFTER * CHUNK)

            wait_for(paused, timeout=60, what="three chunks to commit in the worker")
            first.send_signal(signal.SIGKILL)
            first.wait()
            second = _worker(broker_server)
            job = finished(admin, headers, job_id, timeout=120)
            assert job["status"] == "succeeded", job
            assert job["counts"] == {"created": ROWS, "updated": 0, "unchanged": 0, "failed": 0}
            audit = admin.get(
                f"{API}/audit", params={"action": "product.batch_upsert", "limit": 100}
            ).json()["data"]
            assert len(audit) == ROWS // CHUNK  # one per chunk: none ran twice
    finally:
        stop_process(first)
        if second is not None:
            stop_process(second)
