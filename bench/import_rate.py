"""Rows per second of `platform products import` on a CSV of N generated products.

Starts its own server on a free loopback port with a temporary data directory (SQLite
by default, PostgreSQL with --database-url), creates an admin and an API key, writes the
CSV into a temporary directory, then times the CLI in a fresh process:

1. the first import (every row created),
2. the same file again (every row unchanged),
3. with --split, the same rows sent straight to `POST /products/batch` in chunks of
   1,000 (the endpoint an SDK integrator would call), for comparison.

`platform products import` runs a bulk job on the server (upload, then the job's
chunks): `bench/bulk_import.py` times that job alone.

    python bench/import_rate.py [--rows 100000] [--split] [--database-url postgresql+asyncpg://…]

Target: at least 5,000 rows/s for the first import.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from commerce_load import ADMIN, free_port, start_server
from loadgen import require_loopback
from throwaway import throwaway_database

TARGET_ROWS_PER_SECOND = 5000
COLUMNS = [
    "sku",
    "name",
    "description",
    "price",
    "currency",
    "category",
    "stock",
    "low_stock_threshold",
    "status",
    "attr.color",
]


def write_csv(path: Path, rows: int) -> None:
    colors = ("red", "green", "blue", "black")
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for i in range(rows):
            writer.writerow(
                [
                    f"IMP-{i:07d}",
                    f"Imported product {i}",
                    f"Generated for the import benchmark, row {i}",
                    f"{1 + i % 500}.{i % 100:02d}",
                    "USD",
                    f"bench-{i % 40}",
                    i % 1000,
                    5,
                    "active",
                    colors[i % 4],
                ]
            )


def api_key(base: str) -> str:
    with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as client:
        login = client.post("/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]})
        login.raise_for_status()
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        created = client.post(
            "/api-keys", json={"name": "import-bench", "scopes": ["account:read", "catalog:write"]}
        )
        created.raise_for_status()
        return str(created.json()["key"])


def run_import(path: Path, env: dict[str, str]) -> tuple[float, dict[str, object]]:
    command = [sys.executable, "-m", "platform_cli", "products", "import", str(path), "-o", "json"]
    command.insert(-3, "--create-categories")  # the file brings its own categories
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import failed ({done.returncode}): {done.stderr.strip()}")
    report: dict[str, object] = json.loads(done.stdout)
    return elapsed, report


def batch_items(path: Path, chunk: int) -> Iterator[list[dict[str, object]]]:
    """The file's rows as `products.batch` items, `chunk` at a time."""
    items: list[dict[str, object]] = []
    with path.open(newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            color = row.pop("attr.color")
            item: dict[str, object] = {k: v for k, v in row.items() if v != ""}
            for name in ("stock", "low_stock_threshold"):
                item[name] = int(row[name])
            item["attributes"] = {"color": color}
            items.append(item)
            if len(items) == chunk:
                yield items
                items = []
    if items:
        yield items


def server_only(base: str, key: str, path: Path, chunk: int = 1000) -> tuple[float, float]:
    """(seconds inside POST /products/batch, total seconds) for the file sent straight."""
    in_requests = 0.0
    started = time.perf_counter()
    with httpx.Client(
        base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=300
    ) as client:
        for items in batch_items(path, chunk):
            body = json.dumps({"items": items, "create_categories": True})
            t0 = time.perf_counter()
            response = client.post(
                "/products/batch", content=body, headers={"Content-Type": "application/json"}
            )
            in_requests += time.perf_counter() - t0
            response.raise_for_status()
    return in_requests, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server, e.g. postgresql+asyncpg://postgres@127.0.0.1/bench: "
        "the run makes a database of its own there and drops it after",
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--start-seconds", type=float, default=60, help="how long the server may take to start"
    )
    parser.add_argument(
        "--split", action="store_true", help="also time the batches sent straight to the API"
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
        tmp_dir = Path(tmp)
        path = tmp_dir / "products.csv"
        t0 = time.perf_counter()
        write_csv(path, args.rows)
        size = path.stat().st_size
        print(f"wrote {args.rows:,} rows ({size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
        server = start_server(args, tmp_dir / "data", port)
        try:
            key = api_key(base)
            env = {
                **os.environ,
                "PLATFORM_CONFIG_DIR": str(tmp_dir / "config"),
                "PLATFORM_BASE_URL": base,
                "PLATFORM_API_KEY": key,
            }
            backend = "PostgreSQL" if args.database_url else "SQLite"
            print(f"{backend}, {args.workers} worker(s)")
            print("| run | rows | seconds | rows/s | created | updated | unchanged | failed |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            rates = []
            for label in ("first import", "same file again"):
                elapsed, report = run_import(path, env)
                rate = args.rows / elapsed
                rates.append(rate)
                print(
                    f"| {label} | {args.rows:,} | {elapsed:.1f} | {rate:,.0f} | "
                    f"{report['created']:,} | {report['updated']:,} | "
                    f"{report['unchanged']:,} | {report['failed']:,} |"
                )
            if args.split:
                fresh = tmp_dir / "fresh.csv"
                fresh.write_text(path.read_text().replace("IMP-", "RAW-"))
                for label, file in (("new", fresh), ("unchanged", path)):
                    in_requests, total = server_only(base, key, file)
                    print(
                        f"straight to the API ({label} rows): {total:.1f} s in all, "
                        f"{in_requests:.1f} s waiting for POST /products/batch "
                        f"({args.rows / total:,.0f} rows/s)"
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)
    verdict = "meets" if rates[0] >= TARGET_ROWS_PER_SECOND else "MISSES"
    print(f"first import: {rates[0]:,.0f} rows/s, {verdict} the target of 5,000 rows/s")


if __name__ == "__main__":
    main()
