"""Concurrent orders never take more than the stock: the database decides, in one statement."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx

from tests.conftest import Account
from tests.server.commerce.conftest import API, Shop

STOCK = 5
BUYERS = 50


async def _place_all(
    base_url: str, product_id: str, accounts: list[Account]
) -> list[httpx.Response]:
    body = {"items": [{"product_id": product_id, "quantity": 1}]}
    limits = httpx.Limits(max_connections=BUYERS, max_keepalive_connections=BUYERS)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        start = asyncio.Event()

        async def place(account: Account) -> httpx.Response:
            await start.wait()
            return await client.post(f"{API}/orders", json=body, headers=account.headers)

        tasks = [asyncio.create_task(place(accounts[i % len(accounts)])) for i in range(BUYERS)]
        await asyncio.sleep(0.05)
        start.set()
        return list(await asyncio.gather(*tasks))


def test_fifty_buyers_for_five_units(
    api: httpx.Client, server_url: str, shop: Shop, make_user: Any
) -> None:
    product = shop.product(stock=STOCK)
    accounts = [make_user() for _ in range(5)]
    responses = asyncio.run(_place_all(server_url, product["id"], accounts))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: STOCK, 409: BUYERS - STOCK}, [
        r.text for r in responses if r.status_code >= 500
    ]
    for response in responses:
        if response.status_code == 409:
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["shortages"] == [
                {"product_id": product["id"], "requested": 1, "available": 0}
            ]
    level = shop.inventory(product["id"])
    assert (level["on_hand"], level["reserved"], level["available"]) == (STOCK, STOCK, 0)
    placed = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(placed) == STOCK
    owners = Counter()
    for account in accounts:
        mine = api.get(f"{API}/orders", params={"limit": 100}, headers=account.headers).json()
        owners.update(o["id"] for o in mine["data"] if o["items"][0]["product_id"] == product["id"])
    assert set(owners) == placed and all(n == 1 for n in owners.values())
