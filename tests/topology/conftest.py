"""Two API processes and one worker, as real subprocesses on PostgreSQL, Redis and RabbitMQ.

This is the production layout of `docs/deploy.md` without the reverse proxy: each
process is started with `platform server run` / `platform worker run`, exactly as an
operator would, and shares nothing with the others but the three services.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.servers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    _free_port,
    drop_redis_prefix,
    make_settings,
    prepare_database,
    test_database,
)

NEEDED = ("PLATFORM_TEST_DATABASE_URL", "PLATFORM_TEST_REDIS_URL", "PLATFORM_TEST_BROKER_URL")
CLI = [sys.executable, "-m", "platform_cli"]
# How long a process may take to answer its first request: generous, because a busy
# CI machine may be importing the server in several processes at once.
START_SECONDS = 120
METRICS_TOKEN = secrets.token_urlsafe(24)
# Low enough that one test can reach it, and only API keys are charged against it:
# the other tests sign in as users, whose bucket keeps its generous default.
KEY_LIMIT = 40


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@dataclass
class Cluster:
    api: list[Process]
    worker: Process
    worker_metrics_url: str
    env: dict[str, str]
    admin_token: str = ""
    admin_headers: dict[str, str] = field(default_factory=dict)


def _missing() -> list[str]:
    return [name for name in NEEDED if not os.environ.get(name)]


def _start(name: str, args: list[str], env: dict[str, str], logs: Path) -> Process:
    # Log lines go to stderr; stdout has the start-up banner for a person.
    log = logs / f"{name}.log"
    with log.open("wb") as err, (logs / f"{name}.out").open("wb") as out:
        popen = subprocess.Popen(
            [*CLI, *args], env=env, stdout=out, stderr=err, start_new_session=True
        )
    return Process(name, popen, log)


def _wait_until_answering(process: Process, url: str, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            pytest.fail(
                f"{process.name} exited with {process.popen.returncode}:\n{process.output()}"
            )
        try:
            if httpx.get(url, headers=headers, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{process.name} did not answer {url} in {START_SECONDS}s:\n{process.output()}")


def _stop(process: Process) -> None:
    if process.popen.poll() is not None:
        return
    os.killpg(process.popen.pid, signal.SIGTERM)
    try:
        process.popen.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.popen.pid, signal.SIGKILL)
        process.popen.wait()


@pytest.fixture(scope="package")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    missing = _missing()
    if missing:
        pytest.skip(
            f"two API processes and a worker need PostgreSQL, Redis and RabbitMQ: set "
            f"{', '.join(missing)} (.ci/run does)"
        )
    tmp = tmp_path_factory.mktemp("cluster")
    with test_database(tmp) as database_url:
        settings = make_settings(tmp, database_url, broker_url=os.environ[NEEDED[2]])
        prepare_database(settings)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
        env.update(
            {
                "PLATFORM_DATA_DIR": str(tmp / "data"),
                "PLATFORM_DATABASE_URL": database_url,
                "PLATFORM_JWT_SECRET": settings.signing_secret,
                "PLATFORM_REDIS_URL": settings.redis_url or "",
                "PLATFORM_REDIS_PREFIX": settings.redis_prefix,
                "PLATFORM_BROKER_URL": settings.broker_url or "",
                "PLATFORM_BROKER_PREFIX": settings.broker_prefix,
                "PLATFORM_DISPATCH_POLL_SECONDS": "0.1",
                "PLATFORM_LOG_FORMAT": "json",
                "PLATFORM_METRICS_TOKEN": METRICS_TOKEN,
                "PLATFORM_RATE_LIMIT_PER_API_KEY": f"{KEY_LIMIT}/hour",
                "PLATFORM_LOGIN_MAX_FAILURES_PER_IP": "100000",
            }
        )
        logs = tmp / "logs"
        logs.mkdir()
        processes: list[Process] = []
        try:
            for index in range(2):
                port = _free_port()
                api = _start(
                    f"api-{index}",
                    ["server", "run", "--no-migrate", "--port", str(port)],
                    env,
                    logs,
                )
                api.url = f"http://127.0.0.1:{port}"
                processes.append(api)
            metrics_port = _free_port()
            worker = _start(
                "worker", ["worker", "run", "--metrics-port", str(metrics_port)], env, logs
            )
            processes.append(worker)
            for api in processes[:2]:
                _wait_until_answering(api, f"{api.url}/readyz", {})
            worker_metrics = f"http://127.0.0.1:{metrics_port}/metrics"
            _wait_until_answering(worker, worker_metrics, {})
            cluster = Cluster(processes[:2], worker, worker_metrics, env)
            login = httpx.post(
                f"{cluster.api[0].url}/api/v1/auth/login",
                json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
            )
            assert login.status_code == 200, login.text
            cluster.admin_token = login.json()["access_token"]
            cluster.admin_headers = {"Authorization": f"Bearer {cluster.admin_token}"}
            yield cluster
        finally:
            for process in processes:
                _stop(process)
            drop_redis_prefix(settings)
            from platform_server.events.broker import delete_topology

            asyncio.run(delete_topology(settings))
