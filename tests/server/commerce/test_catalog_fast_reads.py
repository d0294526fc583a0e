"""Cached catalog reads answered before FastAPI's routing (products/fast_reads.py)
keep the route's behaviour: the caller's errors, its rate-limit bucket, the metrics'
route label, validation."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import Account, assert_problem, bearer
from tests.server.commerce.conftest import API, Shop, new_category
from tests.server.observability.helpers import scrape, value


def cached(api: httpx.Client, path: str, headers: dict[str, str]) -> httpx.Response:
    """The second of two identical reads: a cache hit."""
    first = api.get(path, headers=headers)
    second = api.get(path, headers=headers)
    assert first.status_code == second.status_code == 200, second.text
    assert first.content == second.content
    return second


def test_a_bad_token_on_a_cached_read_is_401(api: httpx.Client, customer: Account) -> None:
    path = f"{API}/products?limit=3&category={new_category()}"
    cached(api, path, bearer(customer.access_token))
    assert_problem(api.get(path, headers=bearer("not-a-token")), 401)
    assert_problem(api.get(f"{API}/categories", headers=bearer("x.y.z")), 401)


def test_a_cached_signed_in_read_charges_the_callers_bucket(
    api: httpx.Client, customer: Account
) -> None:
    hit = cached(api, f"{API}/products?limit=2", bearer(customer.access_token))
    assert '"user";q=' in hit.headers["ratelimit-policy"]
    anonymous = cached(api, f"{API}/products?limit=2", {})
    assert '"ip";q=' in anonymous.headers["ratelimit-policy"]


def test_cached_and_uncached_views_differ_by_role(
    api: httpx.Client, shop: Shop, customer: Account, admin_headers: dict[str, str]
) -> None:
    category = new_category()
    archived = shop.product(category=category, name=f"Archived {uuid.uuid4().hex[:6]}")
    response = api.patch(
        f"{API}/products/{archived['id']}", json={"status": "archived"}, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    path = f"{API}/products?category={category}&status=archived"
    staff_view = cached(api, path, dict(admin_headers)).json()["data"]
    customer_view = cached(api, path, bearer(customer.access_token)).json()["data"]
    assert [p["id"] for p in staff_view] == [archived["id"]]
    assert customer_view == []


def test_a_cached_read_is_counted_under_its_route(server_url: str, api: httpx.Client) -> None:
    def count() -> float:
        exposed = scrape(server_url)
        return value(
            exposed,
            "platform_http_requests_total",
            method="GET",
            route="/api/v1/categories",
            status="200",
        )

    before = count()
    cached(api, f"{API}/categories?limit=5", {})
    assert count() >= before + 2


def test_bad_parameters_are_still_422(api: httpx.Client) -> None:
    cached(api, f"{API}/products?limit=5", {})
    assert_problem(api.get(f"{API}/products?limit=0"), 422, field="limit")
    assert_problem(api.get(f"{API}/products?sort=nope"), 422, field="sort")
