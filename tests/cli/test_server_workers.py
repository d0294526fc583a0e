"""`platform server run --workers 2`: two API processes under uvicorn's process manager.

Run as a user would, as a real subprocess on a free port (on PostgreSQL and Redis when
the test variables name them). Which process answered a connection is read from
`/proc`: the server end of the TCP connection is a socket held by exactly one worker.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import test_database as new_database

pytestmark = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc to see which process answers"
)
STARTED = re.compile(r"Started server process \[(\d+)\]")
# Bounds for a failure only: a slow, busy machine passes, however slowly.
PATIENCE_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Running:
    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.port = port
        self.log: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def text(self) -> str:
        return "".join(self.log)

    def worker_pids(self) -> set[int]:
        return {int(pid) for pid in STARTED.findall(self.text())}

    def wait_for(self, what: str, done: object) -> None:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not done():  # type: ignore[operator]
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server never {what}; exit {self.process.poll()}:\n{self.text()}")
            time.sleep(0.2)


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _parent_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    raise AssertionError(f"no PPid for {pid}")


def _answering_pid(client_port: int, server_port: int, pids: set[int]) -> int | None:
    """The worker holding the server end of the connection from `client_port`."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and (
            int(remote.split(":")[1], 16) == client_port
        ):
            inode = fields[9]
    if inode is None:
        return None
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def _ask(port: int) -> socket.socket:
    """A connection with one answered request, left open."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"GET /api/v1/products?limit=5 HTTP/1.1\r\nHost: t\r\n\r\n")
    head = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    return sock


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[Running]:
    port = _free_port()
    with new_database(tmp_path) as url:
        env = {
            **os.environ,
            "PLATFORM_DATA_DIR": str(tmp_path / "data"),
            "PLATFORM_DATABASE_URL": url,
            "PLATFORM_JWT_SECRET": secrets.token_urlsafe(32),
            "PLATFORM_REDIS_PREFIX": f"platform-test-{secrets.token_hex(4)}:",
            "PLATFORM_LOG_LEVEL": "info",
        }
        env.pop("PLATFORM_REDIS_URL", None)
        if os.environ.get("PLATFORM_TEST_REDIS_URL"):
            env["PLATFORM_REDIS_URL"] = os.environ["PLATFORM_TEST_REDIS_URL"]
        command = [sys.executable, "-m", "platform_cli", "server", "run"]
        process = subprocess.Popen(
            [*command, "--workers", "2", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        running = Running(process, port)
        try:
            yield running
        finally:
            if process.poll() is None:
                process.kill()  # only when the test failed before its SIGTERM
            process.wait(timeout=PATIENCE_SECONDS)


def test_two_worker_processes_answer_and_stop_on_sigterm(two_workers: Running) -> None:
    server = two_workers
    server.wait_for("became ready", lambda: _ready(server.port))
    server.wait_for("started two workers", lambda: len(server.worker_pids()) == 2)
    workers = server.worker_pids()
    assert server.process.pid not in workers
    assert all(_parent_of(pid) == server.process.pid for pid in workers)

    answered: set[int] = set()
    for _ in range(50):  # rounds of ten connections at once, until both have answered
        held = [_ask(server.port) for _ in range(10)]
        try:
            for sock in held:
                pid = _answering_pid(sock.getsockname()[1], server.port, workers)
                if pid is not None:
                    answered.add(pid)
        finally:
            for sock in held:
                sock.close()
        if answered == workers:
            break
    assert answered == workers

    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=PATIENCE_SECONDS) == 0, server.text()
    deadline = time.monotonic() + PATIENCE_SECONDS
    while any(Path(f"/proc/{pid}").exists() for pid in workers):  # reaped: gone
        assert time.monotonic() < deadline, f"workers outlived the server:\n{server.text()}"
        time.sleep(0.2)
    assert "Finished server process" in server.text()


def test_an_in_memory_database_is_refused_with_several_workers(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PLATFORM_DATA_DIR": str(tmp_path),
        "PLATFORM_DATABASE_URL": "sqlite+aiosqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-m", "platform_cli", "server", "run", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE_SECONDS,
    )
    assert result.returncode == 2
    assert "in-memory SQLite database belongs to one process" in result.stderr
    assert "Traceback" not in result.stderr
