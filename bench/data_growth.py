"""Cost as data grows: p95 of the catalog's and the orders' list queries at several
sizes of a seeded PostgreSQL database, with each query's `EXPLAIN (ANALYZE)`.

    python bench/data_growth.py                       # 2,000 and 10,000 (quick)
    python bench/data_growth.py --sizes 10k,100k,1m --explain docs-plans.txt

A size N is N products (with stock) and N orders, made by `platform server seed`
(COPY) into the database `platform_growth_<N>` on PLATFORM_GROWTH_DATABASE (default
postgresql+asyncpg://postgres@127.0.0.1:5432); a database already seeded is reused
(`--fresh` makes it again, `--drop` drops it afterwards). Each query is the service
call its route makes (`products.service.list_products`, `orders.service.list_orders`),
timed in process: the database's share of a request, without HTTP, the caller lookup
or the catalog cache. Figures are p95 in ms and the ratio to the smallest size.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event, text

from platform_server.core.database import Database, utcnow
from platform_server.core.migrate import upgrade
from platform_server.core.pagination import PageParams, encode_cursor
from platform_server.core.permissions import Role, permissions_for
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings
from platform_server.orders import service as orders
from platform_server.orders.schemas import OrderFilters
from platform_server.products import service as products
from platform_server.products.schemas import ProductFilters
from platform_server.seed import seed

SERVER = os.environ.get("PLATFORM_GROWTH_DATABASE", "postgresql+asyncpg://postgres@127.0.0.1:5432")
DEEP = 1_000  # pages
LIMIT = 20
Query = Callable[[Any], Awaitable[Any]]


def size(text_: str) -> int:
    text_ = text_.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text_[-1:], 1)
    return int(float(text_.rstrip("km")) * scale)


async def prepared(n: int, fresh: bool) -> Settings:
    """Settings for the database of size `n`, seeded when it is not yet."""
    name = f"platform_growth_{n}"
    admin = await asyncpg.connect(SERVER.replace("+asyncpg", "") + "/postgres")
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and fresh:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    data_dir = Path(tempfile.gettempdir()) / f"platform-growth-{n}"
    settings = Settings(database_url=f"{SERVER}/{name}", data_dir=data_dir)
    upgrade(settings)
    db = Database(settings)
    try:
        async with db.transaction(write=False) as session:
            have = await session.scalar(text("SELECT count(*) FROM orders"))
        if (have or 0) < n:
            started = time.perf_counter()
            await seed(db, products=n, orders=n, random_seed=n)
            print(f"seeded {n:,} + {n:,} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    finally:
        await db.dispose()
    return settings


def principal(user_id: uuid.UUID, email: str, role: Role) -> Principal:
    return Principal(user_id=user_id, email=email, role=role, permissions=permissions_for(role))


async def queries(db: Database) -> dict[str, Query]:
    async with db.transaction(write=False) as session:
        buyer = (
            await session.execute(text("SELECT user_id, user_email FROM orders LIMIT 1"))
        ).one()
        # The cursor the client holds after DEEP pages of the default order (or the
        # last page, when there are fewer).
        active = await session.scalar(text("SELECT count(*) FROM products WHERE status='active'"))
        skip = min(DEEP * LIMIT, max((active or 0) - LIMIT - 1, 0))
        row = (
            await session.execute(
                text(
                    "SELECT created_at, id FROM products WHERE status = 'active' "
                    "ORDER BY created_at DESC, id DESC OFFSET :skip LIMIT 1"
                ),
                {"skip": skip},
            )
        ).one()
    deep = encode_cursor(["k", ["t", row.created_at.isoformat()], str(row.id)])
    customer = principal(buyer.user_id, buyer.user_email, Role.CUSTOMER)
    staff = principal(uuid.uuid4(), "staff@example.test", Role.STAFF)
    first = PageParams(limit=LIMIT)
    now = utcnow()
    period = {"created_after": now - timedelta(days=60), "created_before": now - timedelta(days=30)}

    def catalog(page: PageParams, **filters: Any) -> Query:
        return lambda s: products.list_products(s, page, ProductFilters(**filters), customer)

    def order_list(actor: Principal, **filters: Any) -> Query:
        return lambda s: orders.list_orders(s, first, OrderFilters(**filters), actor)

    return {
        "product list, first page": catalog(first),
        f"product list, page {skip // LIMIT + 1:,} by cursor": catalog(
            PageParams(limit=LIMIT, cursor=deep)
        ),
        "search 'red chair' (relevance)": catalog(first, q="red chair"),
        "search 'chair' (relevance)": catalog(first, q="chair"),
        "category 'lamps'": catalog(first, category="lamps"),
        "a customer's orders": order_list(customer),
        "staff: shipped, 30-60 days ago": order_list(staff, status="shipped", **period),
    }


async def measure(db: Database, query: Query, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat + 3):
        started = time.perf_counter()
        async with db.transaction(write=False) as session:
            await query(session)
        times.append((time.perf_counter() - started) * 1000)
    return times[3:]  # the first few warm the plan and the pages


async def explain(db: Database, query: Query) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement the query runs."""
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with db.transaction(write=False) as session:
            await query(session)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    plans = []
    async with db.transaction(write=False) as session:
        connection = await session.connection()
        for statement, params in seen:
            result = await connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, params
            )
            plans.extend(["", statement.split(" FROM ")[0][:60] + " …"])
            plans.extend(line for (line,) in result)
    return plans


def executed_ms(plan: list[str]) -> float:
    """What PostgreSQL spent executing the statements (their `Execution Time`s)."""
    return sum(float(line.split()[2]) for line in plan if line.startswith("Execution Time:"))


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2k,10k", help="comma-separated, e.g. 10k,100k,1m")
    parser.add_argument("--repeat", type=int, default=40, help="timed calls per query")
    parser.add_argument("--fresh", action="store_true", help="seed the databases again")
    parser.add_argument("--drop", action="store_true", help="drop the databases afterwards")
    parser.add_argument("--explain", help="write every query's plans to this file")
    args = parser.parse_args()
    sizes = [size(s) for s in args.sizes.split(",")]
    table: dict[str, list[float]] = {}
    in_db: dict[str, list[float]] = {}
    plans: list[str] = []
    for n in sizes:
        settings = await prepared(n, args.fresh)
        db = Database(settings)
        try:
            measured = await queries(db)
            # As `platform server run` does after start-up: the collector no longer walks
            # the objects made by imports, whose full collections were the p95 outliers.
            gc.collect()
            gc.freeze()
            for name, query in measured.items():
                key = name.split(" page ")[0] + (" deep page" if " page " in name else "")
                table.setdefault(key, []).append(p95(await measure(db, query, args.repeat)))
                runs = [await explain(db, query) for _ in range(3)]
                in_db.setdefault(key, []).append(statistics.median(map(executed_ms, runs)))
                plans += [f"## {n:,}: {name}", *runs[-1], ""]
        finally:
            await db.dispose()
        if args.drop:
            admin = await asyncpg.connect(SERVER.replace("+asyncpg", "") + "/postgres")
            await admin.execute(f'DROP DATABASE "platform_growth_{n}" WITH (FORCE)')
            await admin.close()
    print(
        f"p95 ms of {args.repeat} service calls / median ms PostgreSQL spent executing "
        f"(EXPLAIN ANALYZE); ratio to {sizes[0]:,} in brackets"
    )
    print("| query | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    print("| --- |" + " ---: |" * len(sizes))
    for name, values in table.items():
        executed = in_db[name]
        cells = [
            f"{v:.1f} / {e:.2f}"
            + (f" ({v / values[0]:.1f}x / {e / executed[0]:.1f}x)" if i else "")
            for i, (v, e) in enumerate(zip(values, executed, strict=True))
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.explain:
        await asyncio.to_thread(Path(args.explain).write_text, "\n".join(plans), "utf-8")


if __name__ == "__main__":
    asyncio.run(main())
