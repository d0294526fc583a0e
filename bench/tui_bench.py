"""The dashboard (`platform tui`): first paint of each view, and scrolling 100,000 orders.

Makes a throwaway server (SQLite in a temporary directory, loopback port): the demo data,
then N orders (default 100,000, one line each) inserted in batches through the server's
own models, then runs the dashboard headless (Textual's Pilot) with a real AsyncClient:

    python bench/tui_bench.py [--orders 100000] [--size 140x40]

Figures: per view, the time from opening it to its first page of rows on screen and to its
detail pane; then the orders list scrolled page by page to the last of N orders (pages
fetched on demand, 100 rows each), the latency of a keypress at the start and at the end,
and the process's peak memory. Nothing is asserted: it reports, people judge.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from loadgen import answers_readyz, free_port

ADMIN = ("bench-admin@example.com", "bench-admin-password")
VIEWS = ["orders", "products", "users", "events", "notifications", "audit", "webhooks", "sessions"]


def prepare(data_dir: Path, orders: int) -> None:
    """Schema, demo data, the bench admin, then ``orders`` orders in batches."""
    from sqlalchemy import insert

    from platform_server.core.database import Database
    from platform_server.core.migrate import upgrade
    from platform_server.core.settings import Settings
    from platform_server.demo import ensure_admin, seed
    from platform_server.orders.models import Order, OrderItem
    from platform_server.users import api as users

    settings = Settings(data_dir=data_dir, jwt_secret=secrets.token_urlsafe(32))
    upgrade(settings)

    async def fill() -> None:
        db = Database(settings)
        try:
            await seed(db)
            await ensure_admin(db, *ADMIN, name="Bench Admin")
            async with db.transaction() as session:
                buyer = await users.find_by_email(session, "alice@demo.platform.test")
                assert buyer is not None
                buyer_id, buyer_email = buyer.id, buyer.email
            rng = random.Random(7)
            statuses = ["pending", "paid", "fulfilled", "shipped", "delivered", "cancelled"]
            start = datetime.now(UTC) - timedelta(days=30)
            batch = 5_000
            for first in range(0, orders, batch):
                order_rows, item_rows = [], []
                for n in range(first, min(first + batch, orders)):
                    order_id = uuid.uuid4()
                    price = Decimal(rng.randint(100, 50_000)) / 100
                    moment = start + timedelta(seconds=n * 25)
                    order_rows.append(
                        {
                            "id": order_id,
                            "user_id": buyer_id,
                            "user_email": buyer_email,
                            "status": rng.choice(statuses),
                            "total": price,
                            "currency": "USD",
                            "created_at": moment,
                            "updated_at": moment,
                        }
                    )
                    item_rows.append(
                        {
                            "id": uuid.uuid4(),
                            "order_id": order_id,
                            "product_id": uuid.uuid4(),
                            "sku": f"BENCH-{n % 500:04d}",
                            "name": f"Bench product {n % 500}",
                            "quantity": 1,
                            "price": price,
                            "subtotal": price,
                            "position": 0,
                        }
                    )
                async with db.transaction() as session:
                    await session.execute(insert(Order), order_rows)
                    await session.execute(insert(OrderItem), item_rows)
        finally:
            await db.dispose()

    asyncio.run(fill())


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PLATFORM_DATA_DIR": str(data_dir),
        "PLATFORM_LOG_LEVEL": "warning",
        "PLATFORM_LOGIN_MAX_FAILURES_PER_IP": "100000",
        # One user drives the load on purpose: its limits are counted, never met.
        "PLATFORM_RATE_LIMIT_PER_USER": "100000000/minute",
        "PLATFORM_RATE_LIMIT_PER_API_KEY": "100000000/minute",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "platform_cli",
            "server",
            "run",
            "--port",
            str(port),
            "--no-migrate",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if answers_readyz(port, 60):
        return server
    server.kill()
    raise SystemExit("the server did not start")


async def until(pilot: Any, predicate: Callable[[], Any], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {predicate}")
        await pilot.pause(0.002)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def p50_p95(times: list[float]) -> str:
    if not times:
        return "-"
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95)]
    return f"{statistics.median(ordered) * 1000:.1f} ms / {p95 * 1000:.1f} ms"


async def measure(base_url: str, orders: int, size: tuple[int, int]) -> None:
    from platform_cli.tui.app import Options, PlatformApp
    from platform_cli.tui.screens.listing import ResourceView
    from platform_sdk import AsyncClient

    async with AsyncClient(base_url) as client:
        await client.auth.login(email=ADMIN[0], password=ADMIN[1])
        app = PlatformApp(client, Options(refresh=3600.0, live_events=True))
        started = time.perf_counter()
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: getattr(app.screen, "loaded", False))
            print(f"| overview (app start → figures) | {ms(time.perf_counter() - started)} | |")
            for name in VIEWS:
                opened = time.perf_counter()
                app.open_view(name)
                await until(
                    pilot,
                    lambda name=name: getattr(app.screen, "VIEW", "") == name and app.screen.loaded,
                )
                rows = time.perf_counter() - opened
                screen = app.screen
                detail = ""
                if isinstance(screen, ResourceView) and screen.table.row_count:
                    first = screen.table.rows[0].key
                    await until(pilot, lambda s=screen, k=first: s.detail_key == k)
                    detail = ms(time.perf_counter() - opened)
                print(f"| {name} | {ms(rows)} | {detail} |")

            print()
            app.open_view("orders")
            await until(
                pilot, lambda: getattr(app.screen, "VIEW", "") == "orders" and app.screen.loaded
            )
            view = app.screen
            assert isinstance(view, ResourceView)

            async def key_latency(key: str, count: int) -> list[float]:
                """CPU time of the dashboard per keypress (handling and repainting); the
                wall time of ``pilot.press`` would add the wait for the next frame."""
                times = []
                for _ in range(count):
                    t = time.process_time()
                    await pilot.press(key)
                    await pilot.pause(0.02)
                    times.append(time.process_time() - t)
                return times

            # The same pages through the SDK alone: the server's and the network's share.
            sdk_times: list[float] = []
            page = await client.orders.list(limit=100)
            for _ in range(50):
                if page.next_cursor is None:
                    break
                t = time.perf_counter()
                page = await page.next_page()
                sdk_times.append(time.perf_counter() - t)

            # Time the two parts of loading a page inside the view: the SDK call (in a
            # worker) and appending the rows to the table.
            fetch_times: list[float] = []
            append_times: list[float] = []
            fetch, extend = view.fetch, view.table.extend

            async def timed_fetch(cursor: str | None) -> Any:
                t = time.perf_counter()
                result = await fetch(cursor)
                fetch_times.append(time.perf_counter() - t)
                return result

            def timed_extend(rows: Any) -> int:
                t = time.perf_counter()
                added = extend(rows)
                append_times.append(time.perf_counter() - t)
                return added

            view.fetch = timed_fetch  # type: ignore[method-assign]
            view.table.extend = timed_extend  # type: ignore[method-assign]

            start_keys = await key_latency("down", 30)
            scroll_started = time.perf_counter()
            page_times: list[float] = []
            while view.next_cursor is not None or view._loading_more:
                before = view.table.row_count
                t = time.perf_counter()
                await pilot.press("end")  # the cursor near the end fetches the next page
                await until(
                    pilot, lambda b=before: view.table.row_count > b or view.next_cursor is None
                )
                page_times.append(time.perf_counter() - t)
            scrolled = time.perf_counter() - scroll_started
            end_keys = await key_latency("up", 30)
            page_keys = await key_latency("pageup", 30)
            rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            loaded = view.table.row_count
            print("| scrolling the orders list | |")
            print("| --- | ---: |")
            print(f"| rows loaded | {loaded:,} of {orders:,} (+ demo orders) |")
            print(f"| pages fetched on demand | {len(page_times)} |")
            print(f"| to the last row | {scrolled:.1f} s ({loaded / scrolled:,.0f} rows/s) |")
            print(
                f"| End pressed → next page on screen (Pilot), p50 / p95 / max | "
                f"{ms(statistics.median(page_times))} / "
                f"{ms(sorted(page_times)[int(len(page_times) * 0.95)])} / {ms(max(page_times))} |"
            )
            print(f"| of which the SDK call in the view, p50 / p95 | {p50_p95(fetch_times)} |")
            print(
                f"| of which appending 100 rows to the table, p50 / p95 | {p50_p95(append_times)} |"
            )
            first = statistics.median(append_times[:50])
            last = statistics.median(append_times[-50:])
            print(
                f"| appending at the start vs at the end, p50 | "
                f"{first * 1000:.2f} ms vs {last * 1000:.2f} ms |"
            )
            print(
                f"| the same pages through the SDK alone, p50 | "
                f"{ms(statistics.median(sdk_times)) if sdk_times else '-'} |"
            )
            print(
                f"| CPU per keypress (↓), 100 rows loaded, p50 / max | "
                f"{ms(statistics.median(start_keys))} / {ms(max(start_keys))} |"
            )
            print(
                f"| CPU per keypress (↑ / PgUp), {loaded:,} rows loaded, p50 / max | "
                f"{ms(statistics.median(end_keys + page_keys))} / {ms(max(end_keys + page_keys))} |"
            )
            print(f"| peak memory of the dashboard process (RSS) | {rss_mb:,.0f} MiB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--size", default="140x40", help="terminal size, WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="tui-bench-") as tmp:
        data_dir = Path(tmp)
        t = time.perf_counter()
        prepare(data_dir, args.orders)
        print(f"seeded demo data and {args.orders:,} orders in {time.perf_counter() - t:.1f} s\n")
        port = free_port()
        server = start_server(data_dir, port)
        try:
            print("| view | first rows | detail pane |")
            print("| --- | ---: | ---: |")
            asyncio.run(measure(f"http://127.0.0.1:{port}", args.orders, (width, height)))
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
