"""`platform server seed`: a catalog and an order history of a chosen size, for
benchmarks and capacity tests (`bench/data_growth.py`).

Rows go in by COPY on PostgreSQL (executemany on SQLite), a chunk per transaction,
bypassing what a request would do per row: no events, webhooks, audit records or
notifications are made. Every run adds its own rows (SKUs and emails carry a random
tag), so it can run again on the same database. Customers get a password nobody
knows: they cannot sign in until an admin resets it."""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core import bulk
from platform_server.core.database import Database, utcnow
from platform_server.core.permissions import Role
from platform_server.orders import seeding as order_seeding
from platform_server.products import seeding as product_seeding
from platform_server.products.api import PriceLine
from platform_server.users import api as users

PERIOD = timedelta(days=365)  # created times spread over the last year
SAMPLE = 2_000  # products orders are drawn from


@dataclass(frozen=True)
class SeedResult:
    tag: str
    products: int
    orders: int
    customers: list[tuple[uuid.UUID, str]]


def default_customers(orders: int) -> int:
    """About a hundred orders per customer, at most 10,000 customers."""
    return max(1, min(10_000, orders // 100)) if orders else 0


async def seed(
    db: Database,
    *,
    products: int,
    orders: int,
    customers: int | None = None,
    chunk: int = 10_000,
    random_seed: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> SeedResult:
    """Adds `products` products with stock and `orders` orders by `customers` new
    customers. `progress(kind, done, total)` is told after every chunk."""
    if orders and not products:
        raise ValueError("orders need products: give --products too")
    rng = random.Random(random_seed)  # noqa: S311  (made-up data, not secrets)
    tag = "s" + secrets.token_hex(3)
    start = utcnow() - PERIOD
    buyers = await _customers(
        db, tag, default_customers(orders) if customers is None else customers
    )
    sample: list[PriceLine] = []

    async def add_products(session: AsyncSession, made: bulk.SeedRows) -> None:
        share = -(-SAMPLE * made.count // products)  # of the sample, rounded up
        seeded = await product_seeding.seed_chunk(session, made, tag=tag, sample_size=share)
        sample.extend(seeded.sample)

    async def add_orders(session: AsyncSession, made: bulk.SeedRows) -> None:
        await order_seeding.seed_chunk(session, made, customers=buyers, products=sample)

    for kind, total, add in (("products", products, add_products), ("orders", orders, add_orders)):
        # Created times spread evenly over the period, oldest first.
        rows = bulk.SeedRows(0, total, rng, start, PERIOD / max(total, 1))
        await _in_chunks(db, kind, rows, chunk, add, progress)
    await bulk.vacuum_analyze(db.engine)
    return SeedResult(tag=tag, products=products, orders=orders, customers=buyers)


async def _in_chunks(
    db: Database,
    kind: str,
    rows: bulk.SeedRows,
    size: int,
    add: Callable[[AsyncSession, bulk.SeedRows], Awaitable[None]],
    progress: Callable[[str, int, int], None] | None,
) -> None:
    """`add(session, chunk)` for each chunk of `size` of `rows`, a transaction each."""
    for part in rows.chunks(size):
        async with db.transaction() as session:
            await add(session, part)
        if progress:
            progress(kind, part.first + part.count, rows.count)


async def _customers(db: Database, tag: str, count: int) -> list[tuple[uuid.UUID, str]]:
    if not count:
        return []
    # One hash for all: hashing is slow on purpose, and nobody knows this password.
    password_hash = await users.hash_password_async(secrets.token_urlsafe(32))
    made = []
    async with db.transaction() as session:
        for number in range(count):
            email = f"seed-{tag}-{number}@example.test"
            user_id = users.add_user(
                session,
                email=email,
                name=f"Seeded customer {number}",
                password_hash=password_hash,
                role=Role.CUSTOMER,
            )
            made.append((user_id, email))
    return made
