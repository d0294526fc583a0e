"""The anonymous catalog micro-cache: short-lived, bounded, and cleared by writes."""

from __future__ import annotations

import time

import httpx

from platform_server.core.microcache import MicroCache
from tests.server.commerce.conftest import API, Shop, new_category


def test_entries_expire_and_are_bounded() -> None:
    cache = MicroCache(ttl_seconds=0.05, max_entries=2)
    cache.put("a", b"1")
    cache.put("b", b"2")
    cache.put("c", b"3")
    assert cache.get("a") is None  # evicted, oldest first
    assert cache.get("c") == b"3"
    time.sleep(0.06)
    assert cache.get("c") is None


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
