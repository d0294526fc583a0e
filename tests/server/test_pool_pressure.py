"""Waits for the database end soon: on the pool, and on a lock held elsewhere.

More concurrent callers than pooled connections never wait on each other's pool.

Resolving a caller whose session is due a "last used" note reads, then writes. If
the read held a pooled connection (the request's own transaction) while the write
waited for a second one, a burst of such callers larger than the pool would leave
every connection waiting for another until the pool timeout. Here the pool has two
connections and eight callers, each due a note, call at once: all are answered 200.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import assert_problem, bearer
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, isolated_server

API = "/api/v1"
CALLERS = 8


def _age_every_session(url: str) -> None:
    async def go() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    text("UPDATE sessions SET last_used_at = last_used_at - interval '1 hour'")
                    if url.startswith("postgres")
                    else text(
                        "UPDATE sessions SET last_used_at = datetime(last_used_at, '-1 hour')"
                    )
                )
        finally:
            await engine.dispose()

    asyncio.run(go())


def test_a_burst_larger_than_the_pool_is_answered(tmp_path: Path) -> None:
    with isolated_server(
        tmp_path,
        database_pool_size=2,
        database_max_overflow=0,
        sqlite_pool_size=2,
        caller_cache_seconds=0,
        # A regression shows as 503s after this, not as a test that hangs for 30 s.
        database_pool_timeout_seconds=10,
    ) as live:
        with httpx.Client(base_url=live.url, timeout=60) as client:
            admin = client.post(
                f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            ).json()["access_token"]
            tokens = []
            for index in range(CALLERS):
                email = f"burst-{index}@example.com"
                body = {"email": email, "password": "tidal-lantern-42", "name": "Burst"}
                made = client.post(f"{API}/users", json=body, headers=bearer(admin))
                assert made.status_code == 201, made.text
                login = client.post(
                    f"{API}/auth/login", json={"email": email, "password": "tidal-lantern-42"}
                )
                tokens.append(login.json()["access_token"])
        _age_every_session(live.settings.resolved_database_url)

        async def burst() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=live.url, timeout=60) as client:
                return await asyncio.gather(
                    *(client.get(f"{API}/users/me", headers=bearer(t)) for t in tokens)
                )

        answers = asyncio.run(burst())
    assert [a.status_code for a in answers] == [200] * CALLERS, [a.text for a in answers]


def test_a_row_lock_held_elsewhere_is_a_fast_503_then_the_order_goes_through(
    tmp_path: Path,
) -> None:
    """A neighbour stuck mid-transaction on a product's stock row: the order waits at
    most the lock timeout, is answered 503 problem+json with Retry-After, and goes
    through as soon as the lock is gone."""
    if not os.environ.get("PLATFORM_TEST_DATABASE_URL", "").startswith("postgres"):
        pytest.skip("lock_timeout is PostgreSQL's (SQLite serialises writers instead)")
    with isolated_server(tmp_path, database_lock_timeout_seconds=1) as live:
        with httpx.Client(base_url=live.url, timeout=60) as client:
            admin = client.post(
                f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            ).json()["access_token"]
            body = {"sku": "LOCKED-1", "name": "Locked", "price": "5.00", "category": "x"}
            made = client.post(f"{API}/products", json={**body, "stock": 5}, headers=bearer(admin))
            assert made.status_code == 201, made.text
        product_id = made.json()["id"]
        order = {"items": [{"product_id": product_id, "quantity": 1}]}
        dsn = live.settings.resolved_database_url.replace("postgresql+asyncpg", "postgresql")

        async def place_while_locked() -> tuple[httpx.Response, float, httpx.Response]:
            holder = await asyncpg.connect(dsn)
            try:
                locked = holder.transaction()
                await locked.start()
                await holder.execute(
                    "SELECT 1 FROM stock_levels WHERE product_id = $1 FOR UPDATE",
                    uuid.UUID(product_id),
                )
                async with httpx.AsyncClient(base_url=live.url, timeout=60) as client:
                    started = time.monotonic()
                    blocked = await client.post(f"{API}/orders", json=order, headers=bearer(admin))
                    waited = time.monotonic() - started
                    await locked.rollback()
                    after = await client.post(f"{API}/orders", json=order, headers=bearer(admin))
            finally:
                await holder.close()
            return blocked, waited, after

        blocked, waited, after = asyncio.run(place_while_locked())
    assert_problem(blocked, 503)
    assert blocked.headers["retry-after"] == "1"
    # The lock timeout is 1 s; 20 s is far above any busy machine's overhead, and far
    # below a wait that lasts as long as the neighbour's transaction.
    assert waited < 20, waited
    assert after.status_code == 201, after.text
