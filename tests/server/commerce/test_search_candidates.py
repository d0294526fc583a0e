"""Relevance search ranks the newest `PLATFORM_SEARCH_CANDIDATES` matches only.

The products are made through the API of the run's server; the search runs in
process on the same database with a small bound (a server of its own per bound would
cost a process start)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest

from platform_server.core.database import Database
from platform_server.core.pagination import PageParams
from platform_server.products import service
from platform_server.products.schemas import ProductFilters
from tests import servers
from tests.server.commerce.conftest import Shop


@pytest.fixture
def word() -> str:
    return "w" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:10])


@pytest.fixture
def matches(shop: Shop, word: str) -> list[dict[str, Any]]:
    """Six products matching `word`, oldest first; the oldest is the strongest match
    and the third oldest the second strongest."""
    made = [shop.product(name=f"{word} {word}", description=f"{word} {word} {word}")]
    for n in range(5):
        strength = f"{word} {word}" if n == 1 else "once among many other words"
        made.append(shop.product(name=f"Thing {n}", description=f"{word} {strength}"))
    return made


def relevance(
    database_url: str, tmp_path: Path, q: str, candidates: int, limit: int
) -> list[list[str]]:
    """Every page of a relevance search, followed by cursor, as lists of ids."""
    settings = servers.make_settings(tmp_path, database_url)

    async def go() -> list[list[str]]:
        db = Database(settings)
        pages: list[list[str]] = []
        cursor = None
        try:
            for _ in range(20):
                async with db.transaction(write=False) as session:
                    found = await service.list_products(
                        session,
                        PageParams(limit=limit, cursor=cursor),
                        ProductFilters(q=q, sort="relevance"),
                        None,
                        candidates=candidates,
                    )
                pages.append([str(p.id) for p in found.data])
                cursor = found.next_cursor
                if not cursor:
                    return pages
        finally:
            await db.dispose()
        raise AssertionError("more than 20 pages")

    return asyncio.run(go())


def test_only_the_newest_candidates_are_ranked(
    database_url: str, tmp_path: Path, matches: list[dict[str, Any]], word: str
) -> None:
    ids = [p["id"] for p in matches]
    every = [i for page in relevance(database_url, tmp_path, word, 1000, 100) for i in page]
    assert every[:2] == [ids[0], ids[2]]  # the strongest first
    assert sorted(every) == sorted(ids)
    # Bound to the newest four: the strongest (oldest) is not a candidate; the best of
    # the four comes first, and only they are found.
    bounded = [i for page in relevance(database_url, tmp_path, word, 4, 100) for i in page]
    assert bounded[0] == ids[2]
    assert sorted(bounded) == sorted(ids[2:])


def test_paging_through_the_candidates_has_no_repeats_or_gaps(
    database_url: str, tmp_path: Path, matches: list[dict[str, Any]], word: str
) -> None:
    ids = [p["id"] for p in matches]
    pages = relevance(database_url, tmp_path, word, 5, 2)
    assert [len(page) for page in pages] == [2, 2, 1]
    paged = [i for page in pages for i in page]
    assert paged == [i for page in relevance(database_url, tmp_path, word, 5, 100) for i in page]
    assert sorted(paged) == sorted(ids[1:])
    assert paged[0] == ids[2]
