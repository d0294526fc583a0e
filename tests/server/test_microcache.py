"""The in-process store behind the catalog cache: short-lived, bounded, cleared by writes."""

from __future__ import annotations

import time

import httpx

from platform_server.cache.microcache import MicroCache
from tests.server.commerce.conftest import API, Shop, new_category


def test_entries_are_bounded_oldest_first() -> None:
    cache = MicroCache(ttl_seconds=60, max_entries=2)
    cache.put("a", b"1")
    cache.put("b", b"2")
    cache.put("c", b"3")
    assert cache.get("a") is None
    assert (cache.get("b"), cache.get("c")) == (b"2", b"3")


def test_entries_expire() -> None:
    # Only absence after the TTL is asserted: presence within a tight TTL would race
    # a busy machine.
    cache = MicroCache(ttl_seconds=0.01)
    cache.put("a", b"1")
    time.sleep(0.05)
    assert cache.get("a") is None


def test_a_zero_ttl_turns_it_off() -> None:
    cache = MicroCache(ttl_seconds=0)
    cache.put("a", b"1")
    assert not cache.enabled
    assert cache.get("a") is None


def test_a_write_is_visible_to_anonymous_readers_at_once(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    shop = Shop(api, admin_headers)
    category = new_category()
    product = shop.product(category=category, name="Before")

    def anonymous_names() -> list[str]:
        response = api.get(f"{API}/products", params={"category": category})
        assert response.status_code == 200
        return [p["name"] for p in response.json()["data"]]

    assert anonymous_names() == ["Before"]
    assert anonymous_names() == ["Before"]  # served from the cache
    renamed = api.patch(
        f"{API}/products/{product['id']}", json={"name": "After"}, headers=admin_headers
    )
    assert renamed.status_code == 200
    assert anonymous_names() == ["After"]
