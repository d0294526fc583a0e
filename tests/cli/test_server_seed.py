"""`platform server seed`: a catalog and an order history of a chosen size, run as a
user would (a subprocess) against a server's own database, then read over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from tests.server.events.helpers import admin_client
from tests.servers import isolated_server

FINISHED = {"paid", "fulfilled", "shipped", "delivered", "cancelled", "refunded"}


def _seed(data_dir: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PLATFORM_DATA_DIR": str(data_dir), "PLATFORM_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "platform_cli", "server", "seed", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_seed_makes_products_with_stock_and_orders_with_their_lines(tmp_path: Path) -> None:
    with isolated_server(tmp_path) as live, admin_client(live.url) as admin:
        url = live.settings.resolved_database_url
        done = _seed(tmp_path, url, "--products", "30", "--orders", "40", "--customers", "3")
        assert done.returncode == 0, done.stderr
        assert "Added 30 products, 40 orders and 3 customers" in done.stdout

        products = admin.get("/api/v1/products", params={"limit": 100}).json()["data"]
        assert len(products) == 30
        assert all(p["inventory"]["on_hand"] >= 0 for p in products)
        assert all(p["status"] in {"active", "archived"} for p in products)
        # The search index knows them too (FTS5 on SQLite, the tsvector on PostgreSQL).
        word = products[0]["name"].split()[-1]
        found = admin.get("/api/v1/products", params={"q": word}).json()["data"]
        assert products[0]["id"] in {p["id"] for p in found}

        orders = admin.get("/api/v1/orders", params={"limit": 100}).json()["data"]
        assert len(orders) == 40
        assert {o["status"] for o in orders} <= FINISHED
        assert len({o["user_id"] for o in orders}) <= 3
        seeded_ids = {p["id"] for p in products}
        for order in orders:
            lines = order["items"]
            assert 1 <= len(lines) <= 3
            assert {line["product_id"] for line in lines} <= seeded_ids
            total = sum(Decimal(line["subtotal"]) for line in lines)
            assert Decimal(order["total"]) == total

        # A second run adds its own rows next to the first's.
        again = _seed(tmp_path, url, "--products", "5")
        assert again.returncode == 0, again.stderr
        # Another query than before: a running server without Redis caches the catalog in
        # its own memory, which a seeding process cannot reach (docs/cli.md says so).
        listed = admin.get("/api/v1/products", params={"limit": 100, "sort": "name"}).json()
        assert len(listed["data"]) == 35


def test_seed_refuses_orders_without_products_and_negative_sizes(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'refused.db'}"
    no_products = _seed(tmp_path, url, "--orders", "5")
    assert no_products.returncode == 2
    assert "orders need products" in no_products.stderr
    negative = _seed(tmp_path, url, "--products", "-1")
    assert negative.returncode == 2
    assert "greater than or equal to 0" in negative.stderr
    assert not (tmp_path / "refused.db").exists()  # nothing was written
