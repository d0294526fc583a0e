"""`GET /metrics` of a real server: request metrics by route template, pools, business
counters and the outbox backlog; who may read it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import Shop
from tests.server.observability.helpers import scrape, value
from tests.servers import LiveServer, isolated_server

# The guarded server's broker never answers; aio-pika leaves a failed connection's close
# unawaited when it gives up.
pytestmark = pytest.mark.filterwarnings(
    "ignore:coroutine 'RobustConnection.close' was never awaited:RuntimeWarning"
)

API = "/api/v1"
TOKEN = "metrics-" + uuid.uuid4().hex
DURATION = "platform_http_request_duration_seconds"


@pytest.fixture
def shop(api: httpx.Client, admin_headers: dict[str, str]) -> Shop:
    return Shop(api, admin_headers)


def test_a_request_is_counted_under_its_route_template(
    server_url: str, shop: Shop, api: httpx.Client
) -> None:
    product = shop.product()
    route = f"{API}/products/{{id}}"
    labels = {"method": "GET", "route": route, "status": "200"}
    before = scrape(server_url)
    assert api.get(f"{API}/products/{product['id']}").status_code == 200
    after = scrape(server_url)
    assert (
        value(after, f"{DURATION}_count", **labels)
        == value(before, f"{DURATION}_count", **labels) + 1
    )
    assert (
        value(after, "platform_http_requests_total", **labels)
        == value(before, "platform_http_requests_total", **labels) + 1
    )
    # Every observation falls in the +Inf bucket; the sum of seconds grew.
    inf = {**labels, "le": "+Inf"}
    assert value(after, f"{DURATION}_bucket", **inf) == value(after, f"{DURATION}_count", **labels)
    assert value(after, f"{DURATION}_sum", **labels) > value(before, f"{DURATION}_sum", **labels)
    # The raw path, with its id, is never a label.
    assert product["id"] not in after


def test_an_unmatched_path_has_one_fixed_label(server_url: str, api: httpx.Client) -> None:
    labels = {"method": "GET", "route": "unmatched", "status": "404"}
    before = value(scrape(server_url), "platform_http_requests_total", **labels)
    path = f"/no-such-{uuid.uuid4().hex}"
    assert api.get(path).status_code == 404
    text = scrape(server_url)
    assert value(text, "platform_http_requests_total", **labels) == before + 1
    assert path not in text


def test_pool_and_in_flight_gauges(server: LiveServer) -> None:
    text = scrape(server.url)
    settings = server.settings
    if settings.is_sqlite:
        assert value(text, "platform_db_pool_size", pool="read") == settings.sqlite_pool_size
        assert value(text, "platform_db_pool_size", pool="write") == 1
    else:
        assert value(text, "platform_db_pool_size", pool="read") == settings.database_pool_size
        # One pool serves reads and writes on PostgreSQL.
        assert 'platform_db_pool_size{pool="write"}' not in text
    # The shared server's dispatcher may be sending at the same moment (other tests'
    # webhooks): the figures stay within the pool and its overflow, whatever they are.
    size = value(text, "platform_db_pool_size", pool="read")
    overflow_limit = 0 if settings.is_sqlite else settings.database_max_overflow
    checked_out = value(text, "platform_db_pool_checked_out", pool="read")
    assert 0 <= checked_out <= size + overflow_limit
    assert value(text, "platform_db_pool_overflow", pool="read") <= overflow_limit
    # This scrape is a request in flight while it is answered.
    assert value(text, "platform_http_requests_in_flight") >= 1


def test_orders_and_revenue_by_currency(server_url: str, shop: Shop, customer: Account) -> None:
    currency = "EUR"
    product = shop.product(price="12.50", currency=currency)
    before = scrape(server_url)
    order, _payment = shop.paid_order(customer, (product["id"], 2))
    after = scrape(server_url)
    created = "platform_orders_created_total"
    revenue = "platform_revenue_total"
    assert value(after, created, currency=currency) == value(before, created, currency=currency) + 1
    gained = value(after, revenue, currency=currency) - value(before, revenue, currency=currency)
    assert Decimal(str(round(gained, 2))) == Decimal(order["total"]) == Decimal("25.00")


def test_a_refused_order_is_not_counted(server_url: str, shop: Shop, customer: Account) -> None:
    product = shop.product(currency="GBP", stock=0)  # the order is refused, rolled back
    before = value(scrape(server_url), "platform_orders_created_total", currency="GBP")
    response = shop.place(customer, (product["id"], 1))
    assert response.status_code == 409, response.text
    assert value(scrape(server_url), "platform_orders_created_total", currency="GBP") == before


def test_without_a_token_only_loopback_may_scrape(server_url: str) -> None:
    # Forwarded by a proxy on this host: not a local scraper, whatever the socket says.
    response = httpx.get(f"{server_url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    body = assert_problem(response, 403)
    assert "PLATFORM_METRICS_TOKEN" in body["detail"]


def test_metrics_are_not_in_the_public_api(server_url: str, api: httpx.Client) -> None:
    paths = api.get(f"{API}/openapi.json").json()["paths"]
    assert "/metrics" not in paths


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose /metrics needs a token, and whose outbox is never published: its
    broker does not answer, so every event it writes stays in the backlog."""
    with isolated_server(
        tmp_path_factory.mktemp("guarded"),
        metrics_token=TOKEN,
        broker_url="amqp://guest:guest@127.0.0.1:1/",
        dispatch_poll_seconds=5,
    ) as live:
        yield live


def _admin(live: LiveServer) -> dict[str, str]:
    from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD

    token = httpx.post(
        f"{live.url}{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}],
    ids=["none", "wrong-token", "wrong-scheme"],
)
def test_the_token_is_required(guarded: LiveServer, headers: dict[str, str]) -> None:
    response = httpx.get(f"{guarded.url}/metrics", headers=headers)
    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert TOKEN not in response.text and TOKEN not in body["detail"]


def test_the_backlog_after_creating_events(guarded: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = scrape(guarded.url, auth)
    admin = _admin(guarded)
    written = 0
    for _ in range(3):
        created = httpx.post(
            f"{guarded.url}{API}/products",
            json={"sku": uuid.uuid4().hex[:12], "name": "B", "price": "1.00", "category": "b"},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        events = httpx.get(
            f"{guarded.url}{API}/events",
            params={"resource_id": created.json()["id"]},
            headers=admin,
        ).json()["data"]
        assert events and all(event["position"] is None for event in events)
        written += len(events)
    after = scrape(guarded.url, auth)
    backlog = value(after, "platform_outbox_backlog")
    assert backlog == value(before, "platform_outbox_backlog") + written
    assert value(after, "platform_outbox_lag_seconds") > 0
    for state in ("queued", "retrying", "failed"):
        assert value(after, "platform_notifications", state=state) >= 0
        assert value(after, "platform_webhook_deliveries", state=state) >= 0
    assert 'platform_webhook_deliveries{state="failed"}' in after


def test_the_token_may_come_from_anywhere(guarded: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "X-Forwarded-For": "203.0.113.9"}
    assert "platform_http_requests_total" in scrape(guarded.url, auth)


def test_metrics_can_be_turned_off(tmp_path: Path) -> None:
    with isolated_server(tmp_path, metrics_enabled=False) as live:
        assert_problem(httpx.get(f"{live.url}/metrics"), 404)
