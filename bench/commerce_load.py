"""Throughput and latency of the product list and of order creation.

Starts its own server on a free loopback port (SQLite by default, PostgreSQL with
--database-url), seeds products, then drives it with wrk (if installed) or the
Python load generator; every run is bounded in time and count.

    python bench/commerce_load.py [--database-url postgresql+asyncpg://…] \\
        [--workers 2] [--concurrency 32] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable
from pathlib import Path

import cpu_share
import httpx
from loadgen import Result, answers_readyz, free_port, require_loopback, run, summary
from throwaway import throwaway_database

ADMIN = ("bench-admin@example.com", "bench-admin-password")


def start_server(args: argparse.Namespace, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PLATFORM_DATA_DIR": str(data_dir),
        "PLATFORM_JWT_SECRET": secrets.token_urlsafe(32),
        "PLATFORM_LOG_LEVEL": "warning",
        "PLATFORM_LOGIN_MAX_FAILURES_PER_IP": "100000",
        # One user drives the load on purpose: its limits are counted, never met.
        "PLATFORM_RATE_LIMIT_PER_USER": "100000000/minute",
        "PLATFORM_RATE_LIMIT_PER_API_KEY": "100000000/minute",
    }
    if args.database_url:
        env["PLATFORM_DATABASE_URL"] = args.database_url
    env["PLATFORM_CATALOG_CACHE_SECONDS"] = str(getattr(args, "catalog_cache_seconds", 2.0))
    platform = [sys.executable, "-m", "platform_cli"]
    subprocess.run(
        [*platform, "server", "create-admin", "--email", ADMIN[0], "--password", ADMIN[1]],
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [
            *platform,
            "server",
            "run",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--no-migrate",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if answers_readyz(port, args.start_seconds):
        return server
    server.kill()
    raise SystemExit("the server did not start")


def seed(base: str) -> tuple[str, list[str]]:
    with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as client:
        token = client.post("/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]}).json()[
            "access_token"
        ]
        client.headers["Authorization"] = f"Bearer {token}"
        items = [
            {
                "sku": f"BENCH-{i:05d}",
                "name": f"Bench product {i}",
                "price": f"{1 + i % 90}.99",
                "category": f"cat-{i % 8}",
                "description": "a product for load tests",
                "stock": 100_000_000,
            }
            for i in range(500)
        ]
        result = client.post("/products/batch", json={"items": items, "create_categories": True})
        result.raise_for_status()
        products = [str(r["id"]) for r in result.json()["results"]]
    return token, products


def wrk(url: str, args: argparse.Namespace, name: str, script: str, server_pid: int) -> str:
    command = ["wrk", "-t2", f"-c{args.concurrency}", f"-d{args.seconds}s", "-s", script, url]
    before = cpu_share.snapshot(server_pid, postgres_too=bool(args.database_url))
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = cpu_share.snapshot(server_pid, postgres_too=bool(args.database_url))
    done = re.search(r"(\d+) requests in", out)
    cpu = cpu_share.per_request(before, after, int(done.group(1)) if done else 0)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    # wrk's own --latency table stops at p90/p99; the script's done() prints p95 too.
    pct = re.search(r"PERCENTILES (\d+) (\d+) (\d+) (\d+)", out)
    p50, p90, p95, p99 = (f"{int(v) / 1000:.0f} ms" for v in pct.groups()) if pct else "????"
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (
        f"| {name} | wrk | {float(rps.group(1)) if rps else 0:,.0f} | {p50} | {p90} | {p95} | "
        f"{p99} | {non2xx.group(1) if non2xx else 0} | {cpu} |"
    )


# Latencies in microseconds; read back by wrk() above.
PERCENTILES_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("PERCENTILES %d %d %d %d\\n", latency:percentile(50),
    latency:percentile(90), latency:percentile(95), latency:percentile(99)))
end
"""


# Each order takes one unit of a product picked at random from the catalog, as
# shoppers do; every order on one product would only measure one row lock.
ORDER_LUA = """
local products = {{{products}}}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
request = function()
  local id = products[math.random(#products)]
  return wrk.format(nil, nil, nil, '{{"items": [{{"product_id": "' .. id .. '", "quantity": 1}}]}}')
end
""" + PERCENTILES_LUA.replace("{", "{{").replace("}", "}}")


async def python_runs(base: str, token: str, products: list[str], args: argparse.Namespace) -> str:
    bounds = {"concurrency": args.concurrency, "requests": args.requests, "seconds": args.seconds}
    auth = {"Authorization": f"Bearer {token}"}
    pick = random.Random(1).choice

    def order(client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        body = {"items": [{"product_id": pick(products), "quantity": 1}]}
        return client.post("/api/v1/orders", json=body)

    results: list[Result] = [
        await run(
            base,
            "GET /api/v1/products?limit=20",
            lambda c: c.get("/api/v1/products", params={"limit": 20}),
            **bounds,
        ),
        await run(base, "POST /api/v1/orders", order, headers=auth, **bounds),
    ]
    return summary(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server, e.g. postgresql+asyncpg://postgres@127.0.0.1/bench: "
        "the run makes a database of its own there (bench_<random>) and drops it after",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=20_000, help="python generator cap")
    parser.add_argument("--python", action="store_true", help="use the Python generator")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each wrk scenario, one row each (these machines vary run to run)",
    )
    parser.add_argument(
        "--catalog-cache-seconds",
        type=float,
        default=2.0,
        help="the server's anonymous catalog micro-cache (0: every request reads the database)",
    )
    parser.add_argument(
        "--start-seconds",
        type=float,
        default=60,
        help="how long the server may take to answer /readyz (a busy shared host is slow)",
    )
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    require_loopback(base)
    with (
        throwaway_database(args.database_url) as database_url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        args.database_url = database_url
        server = start_server(args, Path(tmp), port)
        try:
            token, products = seed(base)
            backend = "PostgreSQL" if args.database_url else "SQLite"
            print(
                f"{backend}, {args.workers} worker(s), {args.concurrency} connections, "
                f"{args.seconds}s per scenario, catalog cache {args.catalog_cache_seconds}s"
            )
            if shutil.which("wrk") and not args.python:
                listing = Path(tmp) / "list.lua"
                listing.write_text(PERCENTILES_LUA)
                ordering = Path(tmp) / "order.lua"
                ids = ", ".join(f'"{p}"' for p in products)
                ordering.write_text(ORDER_LUA.format(token=token, products=ids))
                print(
                    "| scenario | tool | req/s | p50 | p90 | p95 | p99 | non-2xx "
                    "| CPU per request |"
                )
                print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
                list_url = f"{base}/api/v1/products?limit=20"
                scenarios = [
                    (list_url, "GET /api/v1/products?limit=20", str(listing)),
                    (f"{base}/api/v1/orders", "POST /api/v1/orders", str(ordering)),
                ]
                for url, name, script in scenarios:
                    for _ in range(args.repeat):
                        print(wrk(url, args, name, script, server.pid), flush=True)
            else:
                print(asyncio.run(python_runs(base, token, products, args)))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
