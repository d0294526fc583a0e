"""The catalog cache: shared through Redis by every API process, invalidated by writes.

Two real uvicorn servers share one database (and one Redis key prefix, when Redis is
configured): what one writes, the other serves fresh in the very next request. Without
Redis each server caches in its own memory, so only the one-server behaviour is tested.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from platform_server.cache.shared import SharedCache
from platform_server.cache.stale import CATALOG
from platform_server.core.database import Database, utcnow
from platform_server.core.settings import Settings
from platform_server.orders import api as orders
from tests.conftest import Account, assert_problem, sign_in
from tests.server.commerce.conftest import API, Shop, new_category
from tests.server.conftest import create_account, own_server
from tests.server.observability.helpers import scrape, value
from tests.servers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    drop_redis_prefix,
    live_server,
    make_settings,
    prepare_database,
)
from tests.servers import test_database as new_database

needs_redis = pytest.mark.skipif(
    not os.environ.get("PLATFORM_TEST_REDIS_URL"),
    reason="Redis not configured: set PLATFORM_TEST_REDIS_URL to run the two-process tests "
    "(without it each process caches on its own)",
)


@dataclass
class Pair:
    one: httpx.Client
    other: httpx.Client
    settings: Settings
    admin: Account
    customer: Account

    def shop(self, client: httpx.Client) -> Shop:
        return Shop(client, self.admin.headers)

    @property
    def reader(self) -> httpx.Client:
        """Reads a write of `one`: the other server with Redis; without it the same one
        (each process then caches on its own, until the TTL)."""
        return self.other if self.settings.redis_url else self.one


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Two servers on one database of their own, with the same settings."""
    tmp = tmp_path_factory.mktemp("catalog-cache")
    with new_database(tmp) as url:
        settings = make_settings(tmp, url)
        prepare_database(settings)
        try:
            with live_server(settings) as one, live_server(settings) as other:
                admin = sign_in(one.url, ADMIN_EMAIL, ADMIN_PASSWORD)
                customer = create_account(one.url, admin.access_token)
                with (
                    httpx.Client(base_url=one.url, timeout=30) as a,
                    httpx.Client(base_url=other.url, timeout=30) as b,
                ):
                    yield Pair(a, b, settings, admin, customer)
        finally:
            drop_redis_prefix(settings)


def counted(result: str) -> float:
    value = REGISTRY.get_sample_value(
        "platform_cache_requests_total", {"cache": "catalog", "result": result}
    )
    return value or 0.0


def read(client: httpx.Client, path: str, headers: Any = None, **params: Any) -> Any:
    response = client.get(f"{API}{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def category_count(client: httpx.Client, name: str) -> int | None:
    """The product count the categories list shows for `name` (walking its pages)."""
    cursor = None
    while True:
        page = read(client, "/categories", limit=100, **({"cursor": cursor} if cursor else {}))
        for item in page["data"]:
            if item["name"] == name:
                return int(item["product_count"])
        cursor = page["next_cursor"]
        if not cursor:
            return None


def test_a_repeated_read_is_a_hit_and_counted(pair: Pair) -> None:
    product = pair.shop(pair.one).product(category=new_category())
    path = f"/products/{product['id']}"
    misses, hits = counted("miss"), counted("hit")
    first = pair.one.get(f"{API}{path}")
    second = pair.one.get(f"{API}{path}")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert second.headers["content-type"] == "application/json"
    assert counted("miss") == misses + 1
    assert counted("hit") == hits + 1
    exposed = scrape(str(pair.one.base_url))
    assert value(exposed, "platform_cache_requests_total", cache="catalog", result="hit") >= 1


@pytest.mark.redis
@needs_redis
def test_a_write_through_one_server_is_read_fresh_through_the_other(pair: Pair) -> None:
    category = new_category()
    product = pair.shop(pair.one).product(category=category, name="Before", price="10.00")
    path = f"/products/{product['id']}"
    for _ in range(2):  # the second round is served from the cache
        assert [p["name"] for p in read(pair.other, "/products", category=category)["data"]] == [
            "Before"
        ]
        assert read(pair.other, path)["price"] == "10.00"
        assert read(pair.other, path, pair.customer.headers)["name"] == "Before"
        assert category_count(pair.other, category) == 1
    hits = counted("hit")
    assert read(pair.other, path)["name"] == "Before"
    assert counted("hit") == hits + 1

    changed = pair.one.patch(
        f"{API}{path}", json={"name": "After", "price": "12.50"}, headers=pair.admin.headers
    )
    assert changed.status_code == 200, changed.text
    listed = read(pair.other, "/products", category=category)["data"]
    assert [(p["name"], p["price"]) for p in listed] == [("After", "12.50")]
    assert read(pair.other, path)["price"] == "12.50"
    assert read(pair.other, path, pair.customer.headers)["name"] == "After"

    pair.shop(pair.one).product(category=category)
    assert category_count(pair.other, category) == 2


def available(client: httpx.Client, product_id: str) -> int:
    return int(read(client, f"/products/{product_id}")["inventory"]["available"])


def test_stock_taken_by_an_order_is_read_fresh(pair: Pair) -> None:
    reader = pair.reader
    shop = pair.shop(pair.one)
    product = shop.product(stock=10)
    assert available(reader, product["id"]) == available(reader, product["id"]) == 10
    order = shop.order(pair.customer, (product["id"], 3))
    assert available(reader, product["id"]) == 7
    cancelled = pair.one.post(f"{API}/orders/{order['id']}/cancel", headers=pair.customer.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert available(reader, product["id"]) == 10
    assert shop.adjust(product["id"], 5).status_code == 201
    assert available(reader, product["id"]) == 15


@pytest.mark.redis
@needs_redis
def test_stock_freed_outside_a_request_is_read_fresh(pair: Pair) -> None:
    """Unpaid orders expire in a housekeeping job, in whichever process runs it; that
    transaction's commit hook invalidates for every process too."""
    shop = pair.shop(pair.one)
    product = shop.product(stock=4)
    shop.order(pair.customer, (product["id"], 4))
    assert available(pair.other, product["id"]) == available(pair.other, product["id"]) == 0

    async def housekeeping() -> int:  # a third process's database and cache
        db = Database(pair.settings)
        cache = SharedCache.from_settings(pair.settings, CATALOG)
        db.on_commit(cache.after_commit)
        try:
            async with db.transaction() as session:
                return await orders.expire_overdue(session, utcnow() + timedelta(days=1))
        finally:
            await cache.close()
            await db.dispose()

    assert asyncio.run(housekeeping()) >= 1
    assert available(pair.other, product["id"]) == 4


def test_staff_and_customers_each_read_what_they_may_see(pair: Pair) -> None:
    shop = pair.shop(pair.one)
    category = new_category()
    product = shop.product(category=category)
    path = f"{API}/products/{product['id']}"
    staff = pair.admin.headers
    for _ in range(2):  # both views cached before the change
        assert pair.reader.get(path).status_code == 200
        assert pair.reader.get(path, headers=staff).status_code == 200
    archived = pair.one.patch(path, json={"status": "archived"}, headers=staff)
    assert archived.status_code == 200, archived.text
    for _ in range(2):  # and after it
        assert_problem(pair.reader.get(path), 404)
        assert_problem(pair.reader.get(path, headers=pair.customer.headers), 404)
        assert pair.reader.get(path, headers=staff).json()["status"] == "archived"
        listed = read(pair.reader, "/products", staff, category=category, status="archived")
        assert [p["id"] for p in listed["data"]] == [product["id"]]
        # A customer asking for archived ones gets what anonymous callers get: none.
        mine = read(pair.reader, "/products", pair.customer.headers, category=category)
        assert mine["data"] == []
        assert read(pair.reader, "/products", category=category, status="archived")["data"] == []


def test_a_batch_import_and_a_delete_are_read_fresh(pair: Pair) -> None:
    shop = pair.shop(pair.one)
    category = new_category()
    product = shop.product(category=category, name="Imported once")
    path = f"/products/{product['id']}"

    def names() -> list[str]:
        return [p["name"] for p in read(pair.reader, "/products", category=category)["data"]]

    assert names() == names() == ["Imported once"]
    item = {k: product[k] for k in ("sku", "price", "currency", "category")}
    batch = pair.one.post(
        f"{API}/products/batch",
        json={"items": [{**item, "name": "Imported twice"}]},
        headers=pair.admin.headers,
    )
    assert batch.status_code == 200, batch.text
    assert batch.json()["updated"] == 1
    assert names() == ["Imported twice"]
    assert read(pair.reader, path)["name"] == "Imported twice"

    deleted = pair.one.delete(f"{API}{path}", headers=pair.admin.headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["result"] == "deleted"
    assert names() == []
    assert_problem(pair.reader.get(f"{API}{path}"), 404)


def test_a_bad_query_is_not_cached(pair: Pair) -> None:
    for _ in range(2):
        response = pair.one.get(f"{API}/products", params={"cursor": "nope"})
        body = assert_problem(response, 422, field="cursor")
        assert "cursor" in body["detail"]


@pytest.fixture(scope="module")
def no_redis(pair: Pair, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A server on the pair's database (and signing key) with Redis configured on a
    closed port: nothing answers there. (Signing in needs the login throttle, which is
    not the cache's business: the pair's tokens are used instead.)"""
    logging.getLogger("platform_server.cache").setLevel(logging.WARNING)
    tmp = tmp_path_factory.mktemp("redis-down")
    overrides = {"jwt_secret": pair.settings.jwt_secret, "cache_redis_retry_seconds": 0}
    settings = make_settings(
        tmp, pair.settings.resolved_database_url, redis_url="redis://127.0.0.1:1/0", **overrides
    )
    with live_server(settings) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


def test_redis_down_serves_uncached_and_fresh(
    pair: Pair, no_redis: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    started = time.monotonic()
    shop = pair.shop(no_redis)
    category = new_category()
    product = shop.product(category=category, name="Before")
    errors = counted("error")
    for _ in range(3):
        assert read(no_redis, f"/products/{product['id']}")["name"] == "Before"
        assert len(read(no_redis, "/products", category=category)["data"]) == 1
    assert counted("error") >= errors + 6
    renamed = no_redis.patch(
        f"{API}/products/{product['id']}", json={"name": "After"}, headers=pair.admin.headers
    )
    assert renamed.status_code == 200, renamed.text
    assert read(no_redis, f"/products/{product['id']}")["name"] == "After"

    ready = no_redis.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "degraded", "database": "ok", "redis": "degraded"}
    # Logged at start-up (its invalidation failed) and at most once a minute after,
    # however many requests failed to reach Redis.
    records = caplog.get_records("setup") + caplog.get_records("call")
    warnings = [r for r in records if r.name == "platform_server.cache"]
    assert 1 <= len(warnings) <= 1 + int((time.monotonic() - started) // 60)
    assert "Redis is unreachable" in warnings[0].getMessage()


def test_readyz_lists_redis_only_when_configured(tmp_path: Path) -> None:
    with own_server(tmp_path, redis_url=None) as live:
        ready = httpx.get(f"{live.url}/readyz", timeout=30)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok"}
