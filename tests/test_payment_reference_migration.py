"""Migration 0017 gives the payments and refunds that exist their references: the
order's number, P or R, and a count within the order, in creation (id) order."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from platform_server.core.database import Database
from platform_server.core.migrate import upgrade
from tests import servers
from tests.servers import make_settings

ORDER = text(
    "INSERT INTO orders (id, number, user_id, user_email, status, total, currency,"
    " created_at, updated_at) VALUES (:id, :number, :user, 'a@example.com', 'paid', 3, 'USD',"
    " :at, :at)"
)
PAYMENT = text(
    "INSERT INTO payments (id, order_id, user_id, amount, currency, status, payment_method,"
    " gateway, refunded_amount, created_at) VALUES (:id, :order, :user, 3, 'USD', :status,"
    " 'pm_card_ok', 'sandbox', 1, :at)"
)
REFUND = text(
    "INSERT INTO refunds (id, payment_id, order_id, amount, currency, created_at)"
    " VALUES (:id, :payment, :order, 1, 'USD', :at)"
)


def test_existing_payments_and_refunds_get_references(tmp_path: Path) -> None:
    with servers.test_database(tmp_path) as url:
        settings = make_settings(tmp_path, url)
        upgrade(settings, "0016")
        sqlite = url.startswith("sqlite")

        def key(value: uuid.UUID) -> Any:
            return value.hex if sqlite else value

        at = datetime(2026, 1, 1, tzinfo=UTC)
        orders = [uuid.UUID(int=(1 << 100) + n) for n in (1, 2)]
        pays = [uuid.UUID(int=(2 << 100) + n) for n in (1, 2, 3)]
        refund = uuid.UUID(int=(3 << 100) + 1)
        user = uuid.uuid4()

        async def execute(*statements: tuple[Any, dict[str, Any]]) -> list[Any]:
            db = Database(settings)
            try:
                async with db.transaction() as session:
                    return [await session.execute(s, p) for s, p in statements]
            finally:
                await db.dispose()

        common = {"user": key(user), "at": at}

        def payment(n: int, order: int, status: str) -> tuple[Any, dict[str, Any]]:
            values = {"id": key(pays[n]), "order": key(orders[order]), "status": status}
            return PAYMENT, values | common

        asyncio.run(
            execute(
                (ORDER, {"id": key(orders[0]), "number": 1001, **common}),
                (ORDER, {"id": key(orders[1]), "number": 1002, **common}),
                payment(0, 0, "failed"),
                payment(1, 0, "succeeded"),
                payment(2, 1, "succeeded"),
                (
                    REFUND,
                    {"id": key(refund), "payment": key(pays[1]), "order": key(orders[0]), "at": at},
                ),
            )
        )
        upgrade(settings)

        async def references() -> list[Any]:
            db = Database(settings)
            try:
                async with db.transaction() as session:
                    found = []
                    for table, ids in (("payments", pays), ("refunds", [refund])):
                        for row_id in ids:
                            found.append(
                                await session.scalar(
                                    text(f"SELECT reference FROM {table} WHERE id = :id"),  # noqa: S608
                                    {"id": key(row_id)},
                                )
                            )
                    return found
            finally:
                await db.dispose()

        found = asyncio.run(references())
    assert found == ["#1001-P1", "#1001-P2", "#1002-P1", "#1001-R1"]
