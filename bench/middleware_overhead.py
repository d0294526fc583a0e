"""The cost of the gateway middleware: rate limits, metrics and JSON logs, on against off.

    python bench/middleware_overhead.py [--pairs 3] [--seconds 10] [--database-url URL]

Each pair starts the same build twice on a fresh database, once with rate limiting,
request metrics and JSON access logs on (the production defaults) and once with all
three off, and drives an authenticated `GET /api/v1/products?limit=20` (an API key, so
the per-key bucket is charged on every request) with wrk, or the Python load
generator when wrk is absent. Which side runs first alternates from pair to pair, so a
host that slows down during the run does not favour one side. Loopback only; every
run stops by itself.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
from cpu_share import snapshot
from loadgen import SERVER_CLI, answers_readyz, create_admin, free_port, require_loopback

ADMIN = ("bench@example.com", "bench-password-1")
MODES: dict[str, dict[str, str]] = {
    "on": {
        "PLATFORM_RATE_LIMIT_ENABLED": "true",
        # Counted on every request, never met: the cost of counting is what is measured.
        "PLATFORM_RATE_LIMIT_PER_API_KEY": "100000000/minute",
        "PLATFORM_METRICS_ENABLED": "true",
        "PLATFORM_LOG_FORMAT": "json",
        "PLATFORM_LOG_LEVEL": "info",
    },
    "off": {
        "PLATFORM_RATE_LIMIT_ENABLED": "false",
        "PLATFORM_METRICS_ENABLED": "false",
        "PLATFORM_LOG_FORMAT": "console",
        "PLATFORM_LOG_LEVEL": "warning",
    },
}


def start(
    mode: str, args: argparse.Namespace, data_dir: Path, port: int
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **MODES[mode],
        "PLATFORM_DATA_DIR": str(data_dir),
        "PLATFORM_JWT_SECRET": secrets.token_urlsafe(32),
        "PLATFORM_LOGIN_MAX_FAILURES_PER_IP": "100000",
        # 0 makes every request reach the database; the default serves it from the cache.
        "PLATFORM_CATALOG_CACHE_SECONDS": str(args.catalog_cache_seconds),
    }
    if args.database_url:
        env["PLATFORM_DATABASE_URL"] = args.database_url
    create_admin(env, *ADMIN)
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(
        [*SERVER_CLI, "run", "--port", str(port), "--no-migrate"], env=env, stdout=log, stderr=log
    )
    if answers_readyz(port, 120):
        return server
    server.kill()
    raise SystemExit(f"the server did not start; see {data_dir / 'server.log'}")


def api_key_with_products(base: str) -> str:
    with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as client:
        login = client.post("/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]})
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        items = [
            {"sku": f"MW-{i:04d}", "name": f"Product {i}", "price": "9.99", "category": "bench"}
            for i in range(100)
        ]
        client.post(
            "/products/batch", json={"items": items, "create_categories": True}
        ).raise_for_status()
        created = client.post("/api-keys", json={"name": "bench"})
        created.raise_for_status()
        key: str = created.json()["key"]
        return key


def drive(url: str, key: str, args: argparse.Namespace) -> tuple[float, int, int]:
    """Requests per second, how many answers were not 200, and how many in all."""
    if shutil.which("wrk"):
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{args.concurrency}",
                f"-d{args.seconds}s",
                "-H",
                f"Authorization: Bearer {key}",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        total = re.search(r"(\d+) requests in", out)
        return (
            float(rps.group(1)) if rps else 0.0,
            int(bad.group(1)) if bad else 0,
            int(total.group(1)) if total else 0,
        )
    import asyncio

    from loadgen import run

    result = asyncio.run(
        run(
            url.split("/api/")[0],
            "products",
            lambda c: c.get("/api/v1/products?limit=20"),
            concurrency=args.concurrency,
            requests=10**9,
            seconds=args.seconds,
            headers={"Authorization": f"Bearer {key}"},
        )
    )
    bad = sum(n for s, n in result.statuses.items() if s != 200)
    return result.throughput, bad, len(result.latencies_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url", help="PostgreSQL URL of an empty database")
    parser.add_argument(
        "--catalog-cache-seconds",
        type=float,
        default=30.0,
        help="the catalog cache in both modes (30: the default; 0: every request reads the DB)",
    )
    args = parser.parse_args()
    throughput: list[float] = []
    cpu: list[float] = []
    print(
        "| pair | order | on req/s | off req/s | on / off | "
        "on CPU µs/req | off CPU µs/req | on / off | non-200 (on, off) |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for pair in range(1, args.pairs + 1):
        order = ["on", "off"] if pair % 2 else ["off", "on"]
        rps: dict[str, float] = {}
        cpu_us: dict[str, float] = {}
        refused: dict[str, int] = {}
        for mode in order:
            with tempfile.TemporaryDirectory(prefix="platform-mw-") as tmp:
                port = free_port()
                base = f"http://127.0.0.1:{port}"
                require_loopback(base)
                server = start(mode, args, Path(tmp), port)
                try:
                    key = api_key_with_products(base)
                    before = snapshot(server.pid, postgres_too=False)
                    rps[mode], refused[mode], total = drive(
                        f"{base}/api/v1/products?limit=20", key, args
                    )
                    after = snapshot(server.pid, postgres_too=False)
                    # Server CPU per request: steadier than req/s on a machine whose
                    # other load comes and goes.
                    used = (after or {}).get("server", 0.0) - (before or {}).get("server", 0.0)
                    cpu_us[mode] = used / max(total, 1) * 1e6
                finally:
                    server.terminate()
                    server.wait(timeout=30)
        throughput.append(rps["on"] / rps["off"])
        cpu.append(cpu_us["on"] / cpu_us["off"])
        print(
            f"| {pair} | {' then '.join(order)} | {rps['on']:,.0f} | {rps['off']:,.0f} | "
            f"{throughput[-1]:.3f} | {cpu_us['on']:,.0f} | {cpu_us['off']:,.0f} | "
            f"{cpu[-1]:.3f} | {refused['on']}, {refused['off']} |",
            flush=True,
        )
    print(f"\ngeometric mean of req/s on/off: {geomean(throughput):.3f}")
    print(f"geometric mean of CPU per request on/off: {geomean(cpu):.3f}")


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


if __name__ == "__main__":
    main()
