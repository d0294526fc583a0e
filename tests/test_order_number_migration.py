"""Migration 0013 numbers the orders that exist, in the order they were placed, and new
orders continue after them (on PostgreSQL from the sequence it creates)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from platform_server.core.database import Database
from platform_server.core.migrate import upgrade
from platform_server.orders import repository
from tests import servers
from tests.servers import make_settings

INSERT = text(
    "INSERT INTO orders (id, user_id, user_email, status, total, currency, created_at,"
    " updated_at) VALUES (:id, :user, 'a@example.com', 'pending', 1, 'USD', :at, :at)"
)


def test_existing_orders_are_numbered_in_order(tmp_path: Path) -> None:
    with servers.test_database(tmp_path) as url:
        settings = make_settings(tmp_path, url)
        upgrade(settings, "0011")
        start = datetime(2026, 1, 1, tzinfo=UTC)
        placed = [uuid.uuid4() for _ in range(3)]  # random ids: numbered by time, not id

        async def before() -> None:
            db = Database(settings)
            try:
                async with db.transaction() as session:
                    for minutes, order_id in enumerate(placed):
                        at = start + timedelta(minutes=minutes)
                        await session.execute(
                            INSERT,
                            {
                                "id": order_id.hex if db_is_sqlite(url) else order_id,
                                "user": uuid.uuid4().hex if db_is_sqlite(url) else uuid.uuid4(),
                                "at": at,
                            },
                        )
            finally:
                await db.dispose()

        asyncio.run(before())
        upgrade(settings)

        async def after() -> tuple[list[int], int]:
            db = Database(settings)
            try:
                async with db.transaction() as session:
                    numbers = [
                        (await repository.get(session, order_id)).number  # type: ignore[union-attr]
                        for order_id in placed
                    ]
                    nxt = await session.scalar(
                        text("SELECT nextval('order_numbers')")
                        if not db_is_sqlite(url)
                        else text("SELECT max(number) + 1 FROM orders")
                    )
                return numbers, int(nxt)
            finally:
                await db.dispose()

        numbers, following = asyncio.run(after())
    assert numbers == [1001, 1002, 1003]
    assert following == 1004


def db_is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")
