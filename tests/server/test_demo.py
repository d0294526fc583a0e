"""The demo (`platform server run --demo`): orders in every status, each with a complete
address and an order number, and product names that read well."""

from __future__ import annotations

import asyncio
import random
import re
from pathlib import Path
from typing import Any

from sqlalchemy import text

from platform_server.core.database import Database
from platform_server.demo import seed
from platform_server.demo_commerce import STATUSES, _products, product_name
from tests import servers
from tests.servers import make_settings, prepare_database


def test_product_names_never_repeat_a_word() -> None:
    assert product_name("merino wool", "Wool socks") == "Merino wool socks"
    assert product_name("linen blend", "T-shirt") == "Linen blend t-shirt"
    for product in _products(random.Random(20261125)):
        words = re.findall(r"[a-z0-9-]+", product.name.lower())
        assert len(words) == len(set(words)), product.name


def test_the_demo_has_orders_in_every_status(tmp_path: Path) -> None:
    with servers.test_database(tmp_path) as url:
        settings = make_settings(tmp_path, url)
        prepare_database(settings)

        async def seeded() -> list[Any]:
            db = Database(settings)
            try:
                await seed(db)
                async with db.transaction() as session:
                    query = "SELECT status, shipping_address, number, carrier FROM orders"
                    return list((await session.execute(text(query))).all())
            finally:
                await db.dispose()

        rows = asyncio.run(seeded())
    assert {row.status for row in rows} == set(STATUSES)
    assert len({row.number for row in rows}) == len(rows)
    for row in rows:
        address = row.shipping_address
        if isinstance(address, str):  # JSON comes back as text from a raw query on SQLite
            import json

            address = json.loads(address)
        required = ("name", "line1", "city", "postal_code", "country")
        assert all(address.get(field) for field in required), address
        assert (row.carrier is not None) == (row.status in {"shipped", "delivered"})
