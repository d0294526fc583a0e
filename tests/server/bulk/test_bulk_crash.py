"""A server running an import is killed (SIGKILL) mid-job: after a restart the job
resumes from its last committed chunk and finishes, each row applied exactly once."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests import servers
from tests.server.bulk.helpers import finished, products_csv, start_import
from tests.server.commerce.conftest import API, new_category
from tests.server.events.helpers import stop_process, wait_for
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD

CLI = [sys.executable, "-c", "from platform_cli.main import run; run()"]
ROWS = 1000
CHUNK = 100
PAUSE_AFTER = 3  # chunks


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _up(url: str, process: subprocess.Popen[bytes]) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"the server exited with {process.returncode}")
    try:
        return httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def _environment(tmp_path: Path) -> Iterator[dict[str, str]]:
    with servers.test_database(tmp_path) as url:
        settings = servers.make_settings(tmp_path, url)
        servers.prepare_database(settings)
        yield servers.process_env(
            settings,
            tmp_path,
            PLATFORM_LOG_LEVEL="warning",
            PLATFORM_BULK_CHUNK_ROWS=str(CHUNK),
            # A dead runner's job is taken over a second after its last chunk.
            PLATFORM_BULK_LEASE_SECONDS="1",
            PLATFORM_BULK_POLL_SECONDS="0.1",
        )


def _serve(
    env: dict[str, str], tmp_path: Path, **extra: str
) -> tuple[str, subprocess.Popen[bytes]]:
    port = _port()
    with (tmp_path / f"server-{port}.log").open("wb") as err:
        process = subprocess.Popen(
            [*CLI, "server", "run", "--port", str(port), "--no-migrate"],
            env={**env, **extra},
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _up(url, process), timeout=60, what="the server to start")
    return url, process


def test_a_killed_server_s_import_resumes_and_applies_each_row_once(tmp_path: Path) -> None:
    category = new_category("crash")
    skus = [f"crash-{n:05d}-{category[-6:]}" for n in range(ROWS)]
    with _environment(tmp_path) as env:
        url, first = _serve(env, tmp_path, PLATFORM_BULK_PAUSE_AFTER_CHUNK=str(PAUSE_AFTER))
        try:
            with httpx.Client(base_url=url, timeout=30) as api:
                login = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
                token = api.post(f"{API}/auth/login", json=login).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                answer = start_import(api, headers, products_csv(skus, category=category))
                assert answer.status_code == 202, answer.text
                job_id = answer.json()["id"]

                def paused() -> bool:
                    job = api.get(f"{API}/bulk/jobs/{job_id}", headers=headers).json()
                    return bool(job["progress"]["done"] == PAUSE_AFTER * CHUNK)

                # The runner holds after its third chunk has committed: killed there.
                wait_for(paused, timeout=60, what="three chunks to commit")
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        url, second = _serve(env, tmp_path)
        try:
            with httpx.Client(base_url=url, timeout=30) as api:
                token = api.post(f"{API}/auth/login", json=login).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                job = finished(api, headers, job_id, timeout=120)
                assert job["status"] == "succeeded", job
                # A row applied twice would count as unchanged the second time.
                assert job["counts"] == {"created": ROWS, "updated": 0, "unchanged": 0, "failed": 0}
                assert job["progress"] == {"done": ROWS, "total": ROWS}
                report = api.get(f"{API}/bulk/jobs/{job_id}/result", headers=headers)
                lines = report.text.splitlines()[1:]
                assert len(lines) == ROWS
                assert [int(line.split(",")[0]) for line in lines] == list(range(2, ROWS + 2))
                export = api.post(
                    f"{API}/bulk/exports",
                    json={"kind": "products", "filters": {"category": category}},
                    headers=headers,
                ).json()
                finished(api, headers, export["id"])
                exported = api.get(f"{API}/bulk/jobs/{export['id']}/result", headers=headers)
                rows = exported.text.splitlines()[1:]
                assert sorted(r.split(",")[0] for r in rows) == skus
                audit = api.get(
                    f"{API}/audit",
                    params={"action": "product.batch_upsert", "limit": 100},
                    headers=headers,
                ).json()["data"]
                # One record per committed chunk: none of them ran twice.
                assert len(audit) == ROWS // CHUNK
        finally:
            stop_process(second)
