"""Unpaid orders expire after their reservation time and free their stock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from platform_server.core.database import Database
from platform_server.orders.service import expire_overdue
from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop
from tests.servers import LiveServer


def run_expiry(server: LiveServer, now: datetime) -> int:
    async def go() -> int:
        db = Database(server.settings)
        total = 0
        try:
            while True:  # the job takes at most 500 orders a round
                async with db.transaction() as session:
                    done = await expire_overdue(session, now=now)
                total += done
                if done == 0:
                    return total
        finally:
            await db.dispose()

    return asyncio.run(go())


def test_overdue_orders_expire_and_release_stock(
    api: httpx.Client, server: LiveServer, shop: Shop, customer: Account
) -> None:
    product = shop.product(stock=3)
    overdue = shop.order(customer, (product["id"], 2))
    paid, _ = shop.paid_order(customer, (product["id"], 1))
    assert shop.inventory(product["id"])["available"] == 0

    # nothing is overdue yet
    run_expiry(server, datetime.now(UTC))
    assert shop.get_order(overdue["id"])["status"] == "pending"

    assert run_expiry(server, datetime.now(UTC) + timedelta(days=365)) >= 1
    after = shop.get_order(overdue["id"], customer.headers)
    assert after["status"] == "expired"
    assert after["expires_at"] is None
    assert shop.get_order(paid["id"])["status"] == "paid"  # paid orders never expire
    level = shop.inventory(product["id"])
    assert (level["on_hand"], level["reserved"], level["available"]) == (3, 1, 2)
    history = api.get(f"{API}/orders/{overdue['id']}/history", headers=customer.headers)
    latest = history.json()["data"][0]
    assert (latest["from_status"], latest["to_status"], latest["actor_id"]) == (
        "pending",
        "expired",
        None,
    )

    body = assert_problem(shop.pay(customer, overdue["id"]), 409)
    assert body["current_status"] == "expired"
    assert_problem(api.post(f"{API}/orders/{overdue['id']}/cancel", headers=customer.headers), 409)
    assert shop.payments(overdue["id"]) == []
    # running it again changes nothing
    run_expiry(server, datetime.now(UTC) + timedelta(days=365))
    assert shop.inventory(product["id"])["reserved"] == 1
