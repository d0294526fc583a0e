"""Full-text search, filters, sorts and pagination of GET /products."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, all_pages, new_category


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["data"]]


def search(api: httpx.Client, **params: Any) -> httpx.Response:
    return api.get(f"{API}/products", params={"limit": 100, **params})


@pytest.fixture
def word() -> str:
    """A word no other product uses (letters only, so every tokenizer keeps it whole)."""
    return "w" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:10])


def test_q_matches_name_description_and_sku(api: httpx.Client, shop: Shop, word: str) -> None:
    category = new_category()
    by_name = shop.product(name=f"Lamp {word}", category=category)
    by_description = shop.product(description=f"made of {word} steel", category=category)
    by_sku = shop.product(sku=f"{word}-01", category=category)
    shop.product(name="Unrelated", category=category)
    found = set(ids(search(api, q=word)))
    assert found == {by_name["id"], by_description["id"], by_sku["id"]}
    # case-insensitive, and words are prefixes
    assert set(ids(search(api, q=word.upper()[:7]))) >= found
    assert set(ids(search(api, q=word[:6], category=category))) == found


def test_every_word_must_match(api: httpx.Client, shop: Shop, word: str) -> None:
    both = shop.product(name=f"Red {word} chair")
    shop.product(name=f"Blue {word} chair")
    assert ids(search(api, q=f"red {word}")) == [both["id"]]
    assert ids(search(api, q=f"{word} red")) == [both["id"]]
    assert ids(search(api, q=f"gre {word}")) == []
    # only the last word, the one still being typed, matches as a prefix
    assert ids(search(api, q=f"red {word[:6]}")) == [both["id"]]
    assert ids(search(api, q=f"{word[:6]} red")) == []


def test_sku_words_and_prefixes(api: httpx.Client, shop: Shop, word: str) -> None:
    product = shop.product(sku=f"{word}-x42")
    assert ids(search(api, q=f"{word}-x42")) == [product["id"]]
    assert ids(search(api, q=f"{word} x4")) == [product["id"]]
    # A number after a hyphen, as in LAMP-1001 (PostgreSQL's parser reads it as signed).
    numbered = shop.product(sku=f"{word}-1001")
    assert ids(search(api, q=f"{word}-1001")) == [numbered["id"]]
    assert ids(search(api, q=f"{word} 100")) == [numbered["id"]]


def test_archived_products_are_not_found_by_customers(
    api: httpx.Client, shop: Shop, staff: Account, word: str
) -> None:
    active = shop.product(name=f"{word} active")
    archived = shop.product(name=f"{word} old", status="archived")
    assert ids(search(api, q=word)) == [active["id"]]
    staff_found = api.get(f"{API}/products", params={"q": word}, headers=staff.headers)
    assert set(ids(staff_found)) == {active["id"], archived["id"]}


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '""',
        "'",
        "AND OR NOT",
        "*",
        "a*",
        "-",
        "(",
        ")",
        "NEAR(a b)",
        "name:lamp",
        "^lamp",
        "lamp & | ! :*",
        "_",
        "__init__",
        "%",
        "\\",
        "😀",
        "naïve café",
        "12.5",
        "   ",
        "'; DROP TABLE products; --",
    ],
)
def test_operators_and_quotes_never_fail(api: httpx.Client, q: str) -> None:
    response = search(api, q=q)
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["data"], list)
    sorted_too = search(api, q=q, sort="price")
    assert sorted_too.status_code == 200, sorted_too.text


def test_operator_words_are_searched_as_words(api: httpx.Client, shop: Shop, word: str) -> None:
    product = shop.product(name=f"{word} and or not")
    assert ids(search(api, q=f"{word} AND OR NOT")) == [product["id"]]
    assert ids(search(api, q=f'"{word}" *')) == [product["id"]]


def test_q_too_long_is_422(api: httpx.Client) -> None:
    assert_problem(search(api, q="a" * 201), 422, field="q")


def test_filters(api: httpx.Client, shop: Shop) -> None:
    category = new_category()
    cheap = shop.product(category=category, price="5.00", stock=3)
    mid = shop.product(category=category, price="10.00", stock=0)
    dear = shop.product(category=category, price="20.00", stock=1)
    shop.product(price="10.00")  # another category
    assert set(ids(search(api, category=category))) == {cheap["id"], mid["id"], dear["id"]}
    assert set(ids(search(api, category=category, min_price="10"))) == {mid["id"], dear["id"]}
    assert set(ids(search(api, category=category, max_price="10.00"))) == {cheap["id"], mid["id"]}
    assert ids(search(api, category=category, min_price="6", max_price="19.99")) == [mid["id"]]
    assert set(ids(search(api, category=category, in_stock="true"))) == {cheap["id"], dear["id"]}
    assert ids(search(api, category=category, in_stock="false")) == [mid["id"]]
    assert ids(search(api, category=new_category())) == []


def test_in_stock_counts_reservations(api: httpx.Client, shop: Shop, customer: Account) -> None:
    category = new_category()
    product = shop.product(category=category, stock=2)
    assert ids(search(api, category=category, in_stock="true")) == [product["id"]]
    shop.order(customer, (product["id"], 2))
    assert ids(search(api, category=category, in_stock="true")) == []
    assert ids(search(api, category=category, in_stock="false")) == [product["id"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_price": "abc"}, "min_price"),
        ({"min_price": "-1"}, "min_price"),
        ({"max_price": "-0.01"}, "max_price"),
        ({"min_price": "10", "max_price": "5"}, "min_price"),
        ({"in_stock": "maybe"}, "in_stock"),
        ({"status": "gone"}, "status"),
        ({"sort": "colour"}, "sort"),
        ({"sort": "relevance"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_list_parameters_are_422(api: httpx.Client, params: dict[str, str], field: str) -> None:
    assert_problem(api.get(f"{API}/products", params=params), 422, field=field)


def test_relevance_with_q_is_fine(api: httpx.Client, shop: Shop, word: str) -> None:
    product = shop.product(name=word)
    assert ids(search(api, q=word, sort="relevance")) == [product["id"]]


def test_relevance_ranks_better_matches_first(api: httpx.Client, shop: Shop, word: str) -> None:
    weak = shop.product(name="Plain thing", description=f"mentions {word} once among many words")
    strong = shop.product(name=f"{word} {word}", description=f"{word} {word} {word}")
    assert ids(search(api, q=word)) == [strong["id"], weak["id"]]


@pytest.fixture
def sortable(shop: Shop, word: str) -> tuple[str, list[dict[str, Any]]]:
    """Seven products of one category, with repeated prices and names (ties need the id)."""
    category = new_category()
    rows = [
        ("B", "3.00"),
        ("A", "1.00"),
        ("C", "3.00"),
        ("A", "2.00"),
        ("D", "3.00"),
        ("E", "0.50"),
        ("B", "9.99"),
    ]
    products = [
        shop.product(category=category, name=f"{name} {word}", price=price) for name, price in rows
    ]
    return category, products


@pytest.mark.parametrize("sort", ["price", "-price", "name", "-name", "created_at", "-created_at"])
@pytest.mark.parametrize("with_q", [False, True])
def test_pagination_has_no_repeats_or_gaps(
    api: httpx.Client,
    sortable: tuple[str, list[dict[str, Any]]],
    word: str,
    sort: str,
    with_q: bool,
) -> None:
    category, products = sortable
    params: dict[str, Any] = {"category": category, "sort": sort, "limit": 3}
    if with_q:
        params["q"] = word
    paged = all_pages(api, f"{API}/products", params)
    assert sorted(p["id"] for p in paged) == sorted(p["id"] for p in products)
    key = sort.lstrip("-")

    def value(p: dict[str, Any]) -> Any:
        return Decimal(p["price"]) if key == "price" else p[key]

    values = [value(p) for p in paged]
    assert values == sorted(values, reverse=sort.startswith("-"))
    one_page = api.get(f"{API}/products", params={**params, "limit": 100}).json()["data"]
    assert [p["id"] for p in paged] == [p["id"] for p in one_page]


def test_relevance_pagination_has_no_repeats_or_gaps(
    api: httpx.Client, sortable: tuple[str, list[dict[str, Any]]], word: str
) -> None:
    _, products = sortable
    paged = all_pages(api, f"{API}/products", {"q": word, "sort": "relevance", "limit": 2})
    assert sorted(p["id"] for p in paged) == sorted(p["id"] for p in products)
    one_page = search(api, q=word).json()["data"]
    assert [p["id"] for p in paged] == [p["id"] for p in one_page]


def test_default_order_is_newest_first(
    api: httpx.Client, sortable: tuple[str, list[dict[str, Any]]]
) -> None:
    category, products = sortable
    assert ids(search(api, category=category)) == [p["id"] for p in reversed(products)]


def test_cursor_of_one_sort_is_refused_by_another(
    api: httpx.Client, sortable: tuple[str, list[dict[str, Any]]], word: str
) -> None:
    category, _ = sortable
    first = api.get(f"{API}/products", params={"q": word, "sort": "relevance", "limit": 2})
    cursor = first.json()["next_cursor"]
    assert cursor
    mixed = api.get(
        f"{API}/products", params={"category": category, "sort": "price", "cursor": cursor}
    )
    assert_problem(mixed, 422, field="cursor")


def test_batch_created_products_are_searchable(
    api: httpx.Client, shop: Shop, staff: Account, word: str
) -> None:
    # On SQLite a batch indexes its rows in one statement (not the per-row trigger);
    # a product created singly afterwards must still be indexed by the trigger.
    category = new_category()
    items = [
        {"sku": f"{word}-b{i}", "name": f"Batch {word} {i}", "price": "1.00", "category": category}
        for i in range(30)
    ]
    created = api.post(
        f"{API}/products/batch",
        json={"items": items, "create_categories": True},
        headers=staff.headers,
    )
    assert created.status_code == 200, created.text
    assert created.json()["created"] == 30
    single = shop.product(name=f"Single {word}", category=category)
    found = set(ids(search(api, q=word)))
    assert len(found) == 31
    assert single["id"] in found
    # The search text is indexed once: each product is found exactly once per query.
    assert len(ids(search(api, q=f"batch {word}"))) == 30
