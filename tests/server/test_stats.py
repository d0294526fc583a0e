"""GET /stats/overview: the operator dashboard's figures and their hourly trends.

The shared server's database is shared with other tests, so those tests compare figures
before and after their own changes; exact figures are checked on a server of its own.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from platform_server.core.database import Database
from platform_server.notifications.models import Notification
from platform_server.orders.models import Order
from platform_server.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import Account, assert_problem, bearer
from tests.server.commerce.conftest import API, Shop
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, isolated_server

OVERVIEW = "/api/v1/stats/overview"
SERIES = ("orders", "revenue", "new_users", "failed_notifications", "failed_webhook_deliveries")
FIGURES = (
    "orders_today",
    "pending_orders",
    "low_stock_products",
    "new_users_today",
    "failed_notifications",
    "failed_webhook_deliveries",
)


@pytest.fixture
def shop(api: httpx.Client, admin_headers: dict[str, str]) -> Shop:
    return Shop(api, admin_headers)


def overview(api: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    response = api.get(OVERVIEW, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def revenue(body: dict[str, Any], currency: str = "USD") -> Decimal:
    amounts = {r["currency"]: Decimal(r["amount"]) for r in body["revenue_today"]}
    return amounts.get(currency, Decimal(0))


def same_day_and_hour(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """False if the UTC day or hour turned between the two reads (figures restart then)."""
    return (before["day_start"], before["trends"]["since"]) == (
        after["day_start"],
        after["trends"]["since"],
    )


def test_the_overview_has_every_figure_and_24_hourly_values(
    api: httpx.Client, staff: Account
) -> None:
    body = overview(api, staff.headers)
    generated, day_start = when(body["generated_at"]), when(body["day_start"])
    assert day_start == generated.replace(hour=0, minute=0, second=0, microsecond=0)
    for name in FIGURES:
        assert isinstance(body[name], int) and body[name] >= 0, name
    for item in body["revenue_today"]:
        assert set(item) == {"currency", "amount"}
        assert isinstance(item["amount"], str) and Decimal(item["amount"]) > 0
    trends = body["trends"]
    assert trends["hours"] == 24
    since = when(trends["since"])
    assert since == generated.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    for name in SERIES:
        assert len(trends[name]) == 24, name
    assert all(isinstance(n, int) and n >= 0 for n in trends["orders"])
    assert all(isinstance(a, str) and Decimal(a) >= 0 for a in trends["revenue"])
    assert trends["revenue_currency"] is None or len(trends["revenue_currency"]) == 3
    # the staff member just created is one of today's new users, in the current hour
    assert body["new_users_today"] >= 1 and trends["new_users"][-1] >= 1


def test_the_figures_move_with_users_orders_payments_and_stock(
    api: httpx.Client, admin_headers: dict[str, str], make_user: Callable[..., Account], shop: Shop
) -> None:
    product = shop.product(price="12.50", stock=10, low_stock_threshold=5)
    before = overview(api, admin_headers)

    buyer = make_user()
    after_user = overview(api, admin_headers)
    assert after_user["new_users_today"] == before["new_users_today"] + 1

    order = shop.order(buyer, (product["id"], 6))  # 4 left available: at or below 5
    placed = overview(api, admin_headers)
    assert placed["orders_today"] == before["orders_today"] + 1
    assert placed["pending_orders"] == before["pending_orders"] + 1
    assert placed["low_stock_products"] == before["low_stock_products"] + 1
    assert revenue(placed) == revenue(before)  # not paid yet

    paid = shop.pay(buyer, order["id"])
    assert paid.status_code == 201, paid.text
    after = overview(api, admin_headers)
    assert after["pending_orders"] == before["pending_orders"]
    assert after["orders_today"] == before["orders_today"] + 1
    assert revenue(after) == revenue(before) + Decimal("75.00")
    assert after["low_stock_products"] == before["low_stock_products"] + 1
    # Archived (it has an order, so deleting archives it): no longer stocked, not counted.
    archived = api.delete(f"{API}/products/{product['id']}", headers=admin_headers)
    assert archived.status_code == 200 and archived.json()["result"] == "archived", archived.text
    assert overview(api, admin_headers)["low_stock_products"] == before["low_stock_products"]
    for name in ("failed_notifications", "failed_webhook_deliveries"):
        assert after[name] >= 0

    if not same_day_and_hour(before, after):
        pytest.skip("the UTC hour turned during the test; the trends moved on")
    trends, earlier = after["trends"], before["trends"]
    assert trends["orders"][-1] == earlier["orders"][-1] + 1
    assert trends["orders"][:-1] == earlier["orders"][:-1]
    assert trends["new_users"][-1] == earlier["new_users"][-1] + 1
    if trends["revenue_currency"] == "USD":
        assert Decimal(trends["revenue"][-1]) >= Decimal("75.00")
        if earlier["revenue_currency"] == "USD":
            gained = Decimal(trends["revenue"][-1]) - Decimal(earlier["revenue"][-1])
            assert gained == Decimal("75.00")


def test_refunded_and_cancelled_orders_are_not_revenue(
    api: httpx.Client, admin_headers: dict[str, str], customer: Account, shop: Shop
) -> None:
    product = shop.product(price="4.00", stock=50)
    order, _payment = shop.paid_order(customer, (product["id"], 2))
    before = overview(api, admin_headers)
    cancelled = api.post(
        f"/api/v1/orders/{order['id']}/cancel", json={"note": "test"}, headers=admin_headers
    )
    assert cancelled.status_code == 200, cancelled.text
    after = overview(api, admin_headers)
    assert revenue(after) == revenue(before) - Decimal("8.00")
    assert after["orders_today"] == before["orders_today"]  # still placed today


def test_only_staff_may_read_the_overview(api: httpx.Client, customer: Account) -> None:
    assert_problem(api.get(OVERVIEW), 401)
    assert_problem(api.get(OVERVIEW, headers=customer.headers), 403)
    assert_problem(api.get(OVERVIEW, headers={"Authorization": "Bearer nonsense"}), 401)


def test_exact_figures_and_buckets_on_a_database_of_its_own(tmp_path: Path) -> None:
    """Rows of known times and statuses, written straight to a fresh database."""
    now = datetime.now(UTC)
    buyer = uuid.uuid4()

    numbers = itertools.count(1001)

    def order(status: str, total: str, currency: str, age: timedelta) -> Order:
        return Order(
            number=next(numbers),
            user_id=buyer,
            user_email="buyer@example.com",
            status=status,
            total=Decimal(total),
            currency=currency,
            created_at=now - age,
            updated_at=now - age,
        )

    orders = [
        order("paid", "10.00", "USD", timedelta(seconds=5)),
        order("delivered", "20.50", "USD", timedelta(hours=3)),
        order("shipped", "5.25", "EUR", timedelta(hours=3, minutes=1)),
        order("pending", "3.00", "USD", timedelta(hours=5)),
        order("refunded", "7.00", "USD", timedelta(hours=6)),
        order("paid", "1.10", "USD", timedelta(hours=22, minutes=30)),
        order("paid", "99.00", "USD", timedelta(hours=30)),  # before the window
    ]

    def failed(model: Any, age: timedelta, **fields: Any) -> Any:
        return model(status="failed", attempts=3, updated_at=now - age, **fields)

    endpoint = WebhookEndpoint(
        url="https://hooks.example.com/stats", events=["*"], secret="whsec_test", active=False
    )
    delivery = {"endpoint_id": endpoint.id, "event_type": "ping", "payload": "{}"}
    note = {"channel": "email", "recipient": "a@example.com", "template": "t", "body_text": "x"}
    rows = [
        *orders,
        failed(WebhookDelivery, timedelta(minutes=1), message_id="m1", **delivery),
        failed(WebhookDelivery, timedelta(hours=40), message_id="m2", **delivery),
        WebhookDelivery(status="succeeded", message_id="m3", **delivery),
        failed(Notification, timedelta(hours=2), **note),
        failed(Notification, timedelta(hours=2, minutes=5), **note),
        Notification(status="sent", **note),
    ]

    with isolated_server(tmp_path) as live, httpx.Client(base_url=live.url, timeout=30) as api:

        async def write() -> None:
            db = Database(live.settings)
            try:
                async with db.transaction() as session:
                    session.add(endpoint)
                    await session.flush()  # before its deliveries (no ORM relationship)
                    session.add_all(rows)
            finally:
                await db.dispose()

        asyncio.run(write())
        login = api.post(
            "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        assert login.status_code == 200, login.text
        body = overview(api, bearer(login.json()["access_token"]))

    day_start = when(body["day_start"])
    since = when(body["trends"]["since"])

    def bucket(moment: datetime) -> int | None:
        i = int((moment - since).total_seconds() // 3600)
        return i if 0 <= i < 24 else None

    today = [o for o in orders if o.created_at >= day_start]
    earned = {"paid", "fulfilled", "shipped", "delivered"}
    expected_revenue: dict[str, Decimal] = {}
    for o in today:
        if o.status in earned:
            expected_revenue[o.currency] = expected_revenue.get(o.currency, Decimal(0)) + o.total
    assert body["orders_today"] == len(today)
    assert body["revenue_today"] == [
        {"currency": c, "amount": f"{a:.2f}"} for c, a in sorted(expected_revenue.items())
    ]
    assert body["pending_orders"] == 1
    assert body["low_stock_products"] == 0
    assert body["failed_notifications"] == 2
    assert body["failed_webhook_deliveries"] == 2

    trends = body["trends"]
    hourly_orders = [0] * 24
    hourly_usd = [Decimal(0)] * 24
    for o in orders:
        i = bucket(o.created_at)
        if i is not None:
            hourly_orders[i] += 1
            if o.status in earned and o.currency == "USD":
                hourly_usd[i] += o.total
    assert trends["orders"] == hourly_orders
    assert trends["revenue_currency"] == "USD"  # three paid USD orders, one EUR
    assert trends["revenue"] == [f"{a:.2f}" for a in hourly_usd]
    expected_failures = [0] * 24
    for age in (timedelta(hours=2), timedelta(hours=2, minutes=5)):
        i = bucket(now - age)
        assert i is not None
        expected_failures[i] += 1
    assert trends["failed_notifications"] == expected_failures
    latest = [0] * 24
    i = bucket(now - timedelta(minutes=1))
    assert i is not None
    latest[i] = 1
    assert trends["failed_webhook_deliveries"] == latest
    # the seeded admin is the only user: created today, in some hour of the window
    assert body["new_users_today"] == 1 and sum(trends["new_users"]) == 1
