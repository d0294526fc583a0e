"""A hot product: 1,000 orders for one product with 100 in stock, against 1,000 orders
spread over 500 products, on two API processes sharing one PostgreSQL database.

    python bench/hot_product.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
        [--rounds 2] [--orders 1000] [--concurrency 32] [--baseline-src /other/checkout/src]

Each build (this checkout, and with `--baseline-src` another one, e.g. main before a
change) gets a throwaway database and two `platform server run` processes. In each
round both scenarios run, in alternating order, each with `--concurrency` clients
per process (half the orders through each process). Prints orders/s (answers per
second, 201 and 409 alike; status 0 counts requests that got no answer), how many
were placed, and how many units were sold beyond the stock (must be 0), then per
build the median ratio hot / spread. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
from loadgen import SERVER_CLI, answers_readyz, create_admin, free_port, require_loopback, stop_all
from throwaway import throwaway_database

ADMIN = ("bench@example.com", "bench-password-1")


def env_for(src: Path, data_dir: Path, database_url: str, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
    env.update(
        {
            "PYTHONPATH": str(src),
            "PLATFORM_DATA_DIR": str(data_dir),
            "PLATFORM_DATABASE_URL": database_url,
            "PLATFORM_JWT_SECRET": secret,
            "PLATFORM_RATE_LIMIT_ENABLED": "false",
            "PLATFORM_LOGIN_MAX_FAILURES_PER_IP": "100000",
            "PLATFORM_ACCESS_TOKEN_MINUTES": "60",
            "PLATFORM_LOG_LEVEL": "warning",
        }
    )
    return env


@contextlib.contextmanager
def two_processes(src: Path, tmp: Path, database_url: str) -> Iterator[list[str]]:
    env = env_for(src, tmp, database_url, secrets.token_urlsafe(32))
    create_admin(env, *ADMIN)
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for index in range(2):
            port = free_port()
            log = (tmp / f"api-{index}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    [*SERVER_CLI, "run", "--port", str(port), "--no-migrate"],
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for index, url in enumerate(urls):
            require_loopback(url)
            if not answers_readyz(int(url.rsplit(":", 1)[1]), 120):
                raise SystemExit(f"an API process did not start; see {tmp}/api-{index}.log")
        yield urls
    finally:
        stop_all(processes)


def products(url: str, headers: dict[str, str], count: int, stock: int) -> list[str]:
    items = [
        {
            "sku": f"HOT-{secrets.token_hex(6)}",
            "name": f"Product {i}",
            "price": "5.00",
            "category": "hot",
            "stock": stock,
        }
        for i in range(count)
    ]
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=120) as client:
        done = client.post("/products/batch", json={"items": items, "create_categories": True})
        done.raise_for_status()
        failed = [r for r in done.json()["results"] if r["result"] == "error"]
        if failed:
            raise SystemExit(f"the bench's products were refused: {failed[0]}")
        return [r["id"] for r in done.json()["results"]]


async def place(
    urls: list[str], headers: dict[str, str], targets: list[str], concurrency: int
) -> tuple[float, Counter[int]]:
    """Places one single-unit order per target, half through each process."""
    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=concurrency)

    async def through(url: str, share: list[str]) -> None:
        queue = list(share)
        async with httpx.AsyncClient(
            base_url=url, headers=headers, limits=limits, timeout=120
        ) as client:

            async def worker() -> None:
                while queue:
                    product_id = queue.pop()
                    try:
                        answer = await client.post(
                            "/api/v1/orders",
                            json={"items": [{"product_id": product_id, "quantity": 1}]},
                        )
                    except httpx.HTTPError:  # counted as status 0: no answer
                        statuses[0] += 1
                        continue
                    statuses[answer.status_code] += 1

            await asyncio.gather(*(worker() for _ in range(concurrency)))

    started = time.perf_counter()
    await asyncio.gather(*(through(url, targets[i :: len(urls)]) for i, url in enumerate(urls)))
    return len(targets) / (time.perf_counter() - started), statuses


def oversold(url: str, headers: dict[str, str], product_id: str, placed: int, stock: int) -> int:
    """Units promised beyond the stock: orders placed over it, or availability below 0."""
    product = httpx.get(f"{url}/api/v1/products/{product_id}", headers=headers, timeout=30)
    product.raise_for_status()
    inventory = product.json()["inventory"]
    return max(0, placed - stock, inventory["reserved"] - inventory["on_hand"])


def run_build(label: str, src: Path, args: argparse.Namespace, tmp: Path) -> list[float]:
    ratios: list[float] = []
    with (
        throwaway_database(args.database_url) as database_url,
        two_processes(src, tmp, database_url or "") as urls,
    ):
        login = httpx.post(
            f"{urls[0]}/api/v1/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]}
        )
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        for round_ in range(args.rounds):
            rates: dict[str, float] = {}
            scenarios = ["hot", "spread"] if round_ % 2 == 0 else ["spread", "hot"]
            for scenario in scenarios:
                if scenario == "hot":
                    (hot,) = products(urls[0], headers, 1, args.stock)
                    targets = [hot] * args.orders
                else:
                    spread = products(urls[0], headers, 500, args.orders)
                    targets = [spread[i % 500] for i in range(args.orders)]
                rate, statuses = asyncio.run(place(urls, headers, targets, args.concurrency))
                rates[scenario] = rate
                placed = statuses.get(201, 0)
                beyond = (
                    oversold(urls[0], headers, hot, placed, args.stock) if scenario == "hot" else 0
                )
                print(
                    f"| {label} | {round_ + 1} | {scenario} | {rate:,.0f} | {placed} | "
                    f"{dict(statuses)} | {beyond} |",
                    flush=True,
                )
            ratios.append(rates["hot"] / rates["spread"])
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server")
    parser.add_argument("--baseline-src", help="the src/ of another build, run alongside")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--stock", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=32, help="clients per process")
    args = parser.parse_args()
    builds = [("this build", Path(__file__).resolve().parent.parent / "src")]
    if args.baseline_src:
        builds.append(("baseline", Path(args.baseline_src).resolve()))
    print("| build | round | scenario | orders/s | placed (201) | statuses | oversold |")
    print("| --- | ---: | --- | ---: | ---: | --- | ---: |")
    ratios: dict[str, list[float]] = {}
    for label, src in builds:
        with tempfile.TemporaryDirectory(prefix="platform-hot-") as tmp:
            ratios[label] = run_build(label, src, args, Path(tmp))
    print()
    for label, values in ratios.items():
        print(f"{label}: orders/s hot / spread, median of rounds: {statistics.median(values):.2f}")


if __name__ == "__main__":
    main()
