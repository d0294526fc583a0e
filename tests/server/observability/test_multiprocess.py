"""Multiprocess mode: processes sharing one PROMETHEUS_MULTIPROC_DIR report one set.

Real processes: each imports the server's metrics module with the directory set, as a
uvicorn worker started by `platform server run --workers N` does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.server.events.helpers import stop_process, wait_for
from tests.server.observability.helpers import free_port, value

WRITE = """
from platform_server.observability import metrics
metrics.ORDERS_CREATED.labels("EUR").inc({orders})
metrics.REQUESTS.labels("GET", "/healthz", "200").inc({orders})
metrics.LATENCY.labels("GET", "/healthz", "200").observe(0.02)
metrics.IN_FLIGHT.inc()
metrics.POOL_SIZE.labels("read").set(5)
if {ended}:
    metrics.process_ended()
"""

READ = """
import sys
from platform_server.observability import metrics
assert metrics.MULTIPROC_DIR is not None
sys.stdout.write(metrics.render().decode())
"""


def _python(code: str, directory: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_two_processes_report_summed_counters(tmp_path: Path) -> None:
    _python(WRITE.format(orders=2, ended=False), tmp_path)
    _python(WRITE.format(orders=3, ended=False), tmp_path)
    text = _python(READ, tmp_path)
    assert value(text, "platform_orders_created_total", currency="EUR") == 5
    labels = {"method": "GET", "route": "/healthz", "status": "200"}
    assert value(text, "platform_http_requests_total", **labels) == 5
    assert value(text, "platform_http_request_duration_seconds_count", **labels) == 2


def test_a_process_that_ended_leaves_the_live_gauges(tmp_path: Path) -> None:
    _python(WRITE.format(orders=1, ended=False), tmp_path)
    _python(WRITE.format(orders=1, ended=True), tmp_path)
    text = _python(READ, tmp_path)
    # Counters keep what the ended process counted; live gauges sum only the other one
    # (its files stay: this test's "live" process has exited too, without saying so).
    assert value(text, "platform_orders_created_total", currency="EUR") == 2
    assert value(text, "platform_db_pool_size", pool="read") == 5
    assert value(text, "platform_http_requests_in_flight") == 1


def test_server_workers_share_one_set_of_metrics(tmp_path: Path) -> None:
    """`platform server run --workers 2`: whichever worker answers a scrape counts the
    requests both served."""
    port = free_port()
    env = {
        **os.environ,
        "PLATFORM_DATA_DIR": str(tmp_path / "data"),
        "PLATFORM_METRICS_DIR": str(tmp_path / "metrics"),
        "PLATFORM_JWT_SECRET": "multiprocess-test-secret-" + "x" * 20,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.pop("PLATFORM_DATABASE_URL", None)
    command = [sys.executable, "-c", "from platform_cli.main import run; run()"]
    server = subprocess.Popen(
        [*command, "server", "run", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        answered = wait_for(lambda: _healthz(base), timeout=120, what="the server to start")
        for _ in range(20):  # a new connection each time: the workers share the socket
            answered += _healthz(base)
        labels = {"method": "GET", "route": "/healthz", "status": "200"}
        text = httpx.get(f"{base}/metrics", timeout=30).text
        assert value(text, "platform_http_requests_total", **labels) == answered
        assert value(text, "platform_http_request_duration_seconds_count", **labels) == answered
        assert any((tmp_path / "metrics").glob("*.db"))
    finally:
        stop_process(server, signal.SIGINT)


def _healthz(base: str) -> int:
    try:
        return int(httpx.get(f"{base}/healthz", timeout=10).status_code == 200)
    except httpx.TransportError:
        return 0
