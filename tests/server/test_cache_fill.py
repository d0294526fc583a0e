"""A cache entry missed by many requests at once is computed once per process: the
others wait for it (when an entry expired under load, each ran the query itself and
they queued for 300-700 ms). A failed fill leaves each waiter to compute its own, and a
lookup made after an invalidation never receives a body computed before it."""

from __future__ import annotations

import asyncio

import pytest

from platform_server.cache.shared import SharedCache

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_concurrent_misses_compute_once_and_store_it() -> None:
    cache = SharedCache("fill-test", ttl_seconds=30)
    release = asyncio.Event()
    computed = 0

    async def compute() -> bytes:
        nonlocal computed
        computed += 1
        await release.wait()
        return b"page"

    misses = [await cache.lookup("/products?limit=20") for _ in range(10)]
    fills = [asyncio.create_task(cache.fill(found, compute)) for found in misses]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*fills) == [b"page"] * 10
    assert computed == 1
    assert (await cache.lookup("/products?limit=20")).body == b"page"


async def test_a_failed_fill_leaves_each_waiter_to_compute_its_own() -> None:
    cache = SharedCache("fill-test", ttl_seconds=30)
    release = asyncio.Event()
    attempts = 0

    async def compute() -> bytes:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            await release.wait()
            raise RuntimeError("the database went away")
        return b"page"

    first = asyncio.create_task(cache.fill(await cache.lookup("k"), compute))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(cache.fill(await cache.lookup("k"), compute))
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(RuntimeError, match="went away"):
        await first
    assert await waiter == b"page"
    assert attempts == 2


async def test_a_lookup_after_an_invalidation_does_not_wait_for_an_older_body() -> None:
    cache = SharedCache("fill-test", ttl_seconds=30)
    release = asyncio.Event()

    async def old() -> bytes:
        await release.wait()
        return b"before the write"

    async def new() -> bytes:
        return b"after the write"

    before = asyncio.create_task(cache.fill(await cache.lookup("k"), old))
    await asyncio.sleep(0)
    await cache.invalidate()
    assert await cache.fill(await cache.lookup("k"), new) == b"after the write"
    release.set()
    assert await before == b"before the write"
    # The older body is not kept: the next read gets what the write left.
    assert (await cache.lookup("k")).body == b"after the write"
