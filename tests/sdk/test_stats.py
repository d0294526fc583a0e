"""``client.stats.overview()``: against a mocked server, and against the live one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import problem

from platform_sdk import AsyncClient, Client, Overview, PermissionDeniedError


def overview_json(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "generated_at": "2026-11-25T10:15:00.5Z",
        "day_start": "2026-11-25T00:00:00Z",
        "orders_today": 3,
        "revenue_today": [
            {"currency": "EUR", "amount": "5.25"},
            {"currency": "USD", "amount": "30.10"},
        ],
        "pending_orders": 1,
        "low_stock_products": 2,
        "new_users_today": 4,
        "failed_notifications": 0,
        "failed_webhook_deliveries": 1,
        "trends": {
            "since": "2026-11-24T11:00:00Z",
            "hours": 24,
            "orders": [0] * 23 + [3],
            "revenue": ["0.00"] * 23 + ["30.10"],
            "revenue_currency": "USD",
            "new_users": [0] * 20 + [1, 1, 1, 1],
            "failed_notifications": [0] * 24,
            "failed_webhook_deliveries": [1] + [0] * 23,
        },
    }
    body.update(overrides)
    return body


def test_overview_reads_money_as_decimals(client: Client, api: respx.MockRouter) -> None:
    route = api.get("/api/v1/stats/overview").mock(
        return_value=httpx.Response(200, json=overview_json(), headers={"X-Request-ID": "r-9"})
    )
    overview = client.stats.overview()
    assert route.called
    assert isinstance(overview, Overview) and overview.request_id == "r-9"
    assert overview.day_start == datetime(2026, 11, 25, tzinfo=UTC)
    assert [(r.currency, r.amount) for r in overview.revenue_today] == [
        ("EUR", Decimal("5.25")),
        ("USD", Decimal("30.10")),
    ]
    assert overview.trends.revenue[-1] == Decimal("30.10")
    assert overview.trends.revenue_currency == "USD"
    assert len(overview.trends.orders) == overview.trends.hours == 24


def test_overview_keeps_fields_of_a_newer_server(client: Client, api: respx.MockRouter) -> None:
    api.get("/api/v1/stats/overview").mock(
        return_value=httpx.Response(200, json=overview_json(refunds_today=2))
    )
    assert client.stats.overview().model_dump()["refunds_today"] == 2


def test_a_customer_is_refused(client: Client, api: respx.MockRouter) -> None:
    api.get("/api/v1/stats/overview").mock(
        return_value=httpx.Response(403, json=problem(403, "Forbidden", "Needs stats:read."))
    )
    with pytest.raises(PermissionDeniedError):
        client.stats.overview()


@pytest.mark.anyio
async def test_overview_async_and_raw(aclient: AsyncClient, api: respx.MockRouter) -> None:
    api.get("/api/v1/stats/overview").mock(
        return_value=httpx.Response(200, json=overview_json(orders_today=7))
    )
    assert (await aclient.stats.overview()).orders_today == 7
    raw = await aclient.with_raw_response.stats.overview()
    assert raw.status_code == 200 and raw.parse().orders_today == 7


def test_overview_live_sync(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (admin_email, admin_password) = live
    with Client(server_url) as admin:
        admin.auth.login(email=admin_email, password=admin_password)
        before = admin.stats.overview()
        email = f"sdk-stats-{uuid.uuid4().hex[:12]}@example.com"
        admin.users.create(email=email, password="correct-horse-42", name="Stats")
        after = admin.stats.overview()
        assert after.new_users_today == before.new_users_today + 1
        assert all(
            len(series) == 24
            for series in (
                after.trends.orders,
                after.trends.revenue,
                after.trends.new_users,
                after.trends.failed_notifications,
                after.trends.failed_webhook_deliveries,
            )
        )
        with Client(server_url) as customer:
            customer.auth.login(email=email, password="correct-horse-42")
            with pytest.raises(PermissionDeniedError):
                customer.stats.overview()


@pytest.mark.anyio
async def test_overview_live_async(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (admin_email, admin_password) = live
    async with AsyncClient(server_url) as admin:
        await admin.auth.login(email=admin_email, password=admin_password)
        overview = await admin.stats.overview()
        assert overview.new_users_today >= 1  # the admin, seeded today for this test run
        assert overview.trends.hours == 24 and len(overview.trends.orders) == 24
