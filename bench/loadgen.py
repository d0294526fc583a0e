"""A small, bounded HTTP load generator for loopback servers only.

Runs `concurrency` clients until `requests` are done or `seconds` have passed,
whichever comes first, and reports throughput and latency percentiles.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


def require_loopback(base_url: str) -> None:
    """Load tests never leave this machine."""
    host = urlsplit(base_url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise SystemExit(f"refusing to load {host}: only loopback addresses are allowed")


@dataclass
class Result:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    elapsed_s: float = 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.elapsed_s if self.elapsed_s else 0.0

    def row(self) -> str:
        return (
            f"| {self.name} | {len(self.latencies_ms)} | {self.throughput:,.0f} | "
            f"{self.percentile(50):.1f} | {self.percentile(95):.1f} | {self.percentile(99):.1f} | "
            f"{dict(self.statuses)} |"
        )


HEADER = (
    "| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | statuses |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
)


async def run(
    base_url: str,
    name: str,
    request: Request,
    *,
    concurrency: int,
    requests: int,
    seconds: float,
    headers: dict[str, str] | None = None,
) -> Result:
    require_loopback(base_url)
    result = Result(name)
    remaining = requests
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=30
    ) as client:

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                started = time.perf_counter()
                response = await request(client)
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
                result.statuses[response.status_code] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.elapsed_s = time.perf_counter() - started
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers_readyz(port: int, seconds: float) -> bool:
    """Whether a server on this loopback port answers `/readyz` within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


SERVER_CLI = [sys.executable, "-m", "platform_cli", "server"]


def create_admin(env: dict[str, str], email: str, password: str) -> None:
    """`platform server create-admin` (which also migrates) with this environment."""
    subprocess.run(
        [*SERVER_CLI, "create-admin", "--email", email, "--password", password],
        env=env,
        check=True,
        capture_output=True,
    )


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """Terminates every process, then waits for each (killed after 30 s)."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def summary(results: list[Result]) -> str:
    return "\n".join([HEADER, *(r.row() for r in results)])


__all__ = [
    "SERVER_CLI",
    "Result",
    "answers_readyz",
    "create_admin",
    "free_port",
    "run",
    "stop_all",
    "summary",
]
