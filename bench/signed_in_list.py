"""Signed-in `GET /api/v1/products?limit=20` against a bare FastAPI ceiling, same run.

    python bench/signed_in_list.py [--rotations 3] [--seconds 5] [--connections 32]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
        [--baseline-src [LABEL=]/other/checkout/src ...] [--catalog-cache-seconds 30]

Starts, each as one process pinned to CPU 0 (`taskset`), the ceiling app
(`bench/ceiling_app.py`, the real server's first page as prebuilt bytes), the real
server on SQLite and, given `--database-url`, on a throwaway PostgreSQL database;
with each `--baseline-src`, the same servers again from that source tree (a
previous build). Then, in each rotation, drives every server in turn with the same
`wrk -t1 -cN -dS` pinned to CPU 1 and a bearer JWT; the order reverses from one
rotation to the next, so a host that slows down during the run favours no side.
Prints each run, then per server the median req/s, its ratio to the ceiling of the
same rotation (median of the rotations), the median p95, and the server's CPU time
per request (from /proc) against the ceiling's: on a host shared with other work,
the CPU ratio is the steadier of the two. Loopback only; stops
by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cpu_share import snapshot
from loadgen import SERVER_CLI, answers_readyz, create_admin, free_port, require_loopback, stop_all
from throwaway import throwaway_database

ADMIN = ("bench@example.com", "bench-password-1")
PATH = "/api/v1/products?limit=20"
# wrk's own summary has no p95.
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("P50_US %d\\nP95_US %d\\n",
    latency:percentile(50), latency:percentile(95)))
end
"""


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    token: str = ""
    rps: list[float] = field(default_factory=list)
    p95: list[float] = field(default_factory=list)
    # Server CPU per request (µs): steadier than req/s on a host shared with other work.
    cpu_us: list[float] = field(default_factory=list)
    bad: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"


def pinned(cpu: str) -> list[str]:
    return ["taskset", "-c", cpu] if shutil.which("taskset") else []


def start_platform(
    name: str, src: Path, data_dir: Path, database_url: str | None, cache_seconds: float
) -> Server:
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "PLATFORM_DATA_DIR": str(data_dir),
        "PLATFORM_JWT_SECRET": secrets.token_urlsafe(32),
        "PLATFORM_LOGIN_MAX_FAILURES_PER_IP": "100000",
        # Rate limits stay on (their cost is part of every request), but out of the way:
        # at 6,000/minute per user (the default) a fast build would be answered 429.
        "PLATFORM_RATE_LIMIT_PER_USER": "100000000/minute",
        "PLATFORM_CATALOG_CACHE_SECONDS": str(cache_seconds),
        "PLATFORM_ACCESS_TOKEN_MINUTES": "60",
        "PLATFORM_LOG_LEVEL": "warning",
    }
    env.pop("PLATFORM_DATABASE_URL", None)
    if database_url:
        env["PLATFORM_DATABASE_URL"] = database_url
    create_admin(env, *ADMIN)
    port = free_port()
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [*pinned("0"), *SERVER_CLI, "run", "--port", str(port), "--no-migrate"],
        env=env,
        stdout=log,
        stderr=log,
    )
    server = Server(name, port, process)
    if not answers_readyz(port, 120):
        process.kill()
        raise SystemExit(f"{name} did not start; see {data_dir / 'server.log'}")
    server.token = signed_in_with_products(f"http://127.0.0.1:{port}")
    return server


def signed_in_with_products(base: str) -> str:
    require_loopback(base)
    with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as client:
        login = client.post("/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]})
        login.raise_for_status()
        token: str = login.json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        items = [
            {
                "sku": f"SL-{i:04d}",
                "name": f"Product {i}",
                "description": f"A product for the signed-in list benchmark, number {i}.",
                "price": "9.99",
                "category": f"category-{i % 5}",
                "stock": 50,
            }
            for i in range(100)
        ]
        made = client.post("/products/batch", json={"items": items, "create_categories": True})
        made.raise_for_status()
        failed = [r for r in made.json()["results"] if r["result"] == "error"]
        if failed:
            raise SystemExit(f"the bench's products were refused: {failed[0]}")
        # What is measured is a page of 20 products, never an empty one.
        page = client.get("/products", params={"limit": 20}).json()["data"]
        if len(page) != 20:
            raise SystemExit(f"the first page has {len(page)} products, not 20")
        return token


def start_ceiling(body: bytes, tmp: Path) -> Server:
    page = tmp / "page.json"
    page.write_bytes(body)
    port = free_port()
    log = (tmp / "ceiling.log").open("wb")
    process = subprocess.Popen(
        [
            *pinned("0"),
            sys.executable,
            "-m",
            "uvicorn",
            "ceiling_app:app",
            "--app-dir",
            str(Path(__file__).parent),
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env={**os.environ, "CEILING_BODY": str(page)},
        stdout=log,
        stderr=log,
    )
    if not answers_readyz(port, 60):
        process.kill()
        raise SystemExit(f"the ceiling app did not start; see {tmp / 'ceiling.log'}")
    return Server("bare FastAPI ceiling", port, process, "none")


def drive(server: Server, args: argparse.Namespace, script: Path) -> None:
    before = snapshot(server.process.pid, postgres_too=False) or {}
    out = subprocess.run(
        [
            *pinned("1"),
            "wrk",
            "-t1",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "-s",
            str(script),
            "-H",
            f"Authorization: Bearer {server.token}",
            server.url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p95 = re.search(r"P95_US (\d+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    after = snapshot(server.process.pid, postgres_too=False) or {}
    used = after.get("server", 0.0) - before.get("server", 0.0)
    server.cpu_us.append(used / max(int(total.group(1)) if total else 1, 1) * 1e6)
    server.rps.append(float(rps.group(1)) if rps else 0.0)
    server.p95.append(int(p95.group(1)) / 1000 if p95 else float("nan"))
    server.bad += int(bad.group(1)) if bad else 0
    print(
        f"  {server.name}: {server.rps[-1]:,.0f} req/s, p95 {server.p95[-1]:.1f} ms, "
        f"{server.cpu_us[-1]:,.0f} µs CPU/req",
        flush=True,
    )


@contextlib.contextmanager
def servers(args: argparse.Namespace, tmp: Path) -> Iterator[list[Server]]:
    builds = [("", Path(__file__).resolve().parent.parent / "src")]
    for given in args.baseline_src or []:
        label, _, path = given.rpartition("=")
        builds.append((f" ({label or 'baseline'})", Path(path).resolve()))
    started: list[Server] = []
    with contextlib.ExitStack() as stack:
        try:
            for label, src in builds:
                for backend, url in (("SQLite", None), ("PostgreSQL", args.database_url)):
                    if backend == "PostgreSQL" and not url:
                        continue
                    db = stack.enter_context(throwaway_database(url))
                    data = tmp / f"{backend}{len(started)}"
                    data.mkdir()
                    started.append(
                        start_platform(
                            f"signed-in list, {backend}{label}",
                            src,
                            data,
                            db,
                            args.catalog_cache_seconds,
                        )
                    )
            first = started[0]
            body = httpx.get(
                first.url, headers={"Authorization": f"Bearer {first.token}"}, timeout=30
            ).content
            started.insert(0, start_ceiling(body, tmp))
            yield started
        finally:
            stop_all([server.process for server in started])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rotations", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", help="a PostgreSQL server (a throwaway database)")
    parser.add_argument(
        "--baseline-src",
        action="append",
        help="[LABEL=]the src/ of another build, run alongside (repeatable)",
    )
    parser.add_argument(
        "--catalog-cache-seconds",
        type=float,
        default=30.0,
        help="30: the default; 0: every request queries the database",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="platform-signed-in-") as name:
        tmp = Path(name)
        script = tmp / "report.lua"
        script.write_text(REPORT)
        with servers(args, tmp) as running:
            ratios: dict[str, list[float]] = {s.name: [] for s in running[1:]}
            for rotation in range(args.rotations):
                print(f"rotation {rotation + 1}", flush=True)
                order = running if rotation % 2 == 0 else running[::-1]
                for server in order:
                    drive(server, args, script)
                ceiling = running[0].rps[-1]
                for server in running[1:]:
                    ratios[server.name].append(server.rps[-1] / ceiling)
    print(
        f"\nwrk -t1 -c{args.connections} -d{args.seconds}s, {args.rotations} rotations, "
        f"catalog cache {args.catalog_cache_seconds:g} s; medians\n"
    )
    print("| server | req/s | / ceiling | p95 ms | CPU µs/req | ceiling CPU / CPU | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    ceiling_cpu = statistics.median(running[0].cpu_us)
    for server in running:
        ratio = statistics.median(ratios[server.name]) if server.name in ratios else 1.0
        cpu = statistics.median(server.cpu_us)
        print(
            f"| {server.name} | {statistics.median(server.rps):,.0f} | {ratio:.3f} | "
            f"{statistics.median(server.p95):.1f} | {cpu:,.0f} | {ceiling_cpu / cpu:.3f} | "
            f"{server.bad} |"
        )


if __name__ == "__main__":
    main()
