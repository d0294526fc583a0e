"""The HTTP payment provider client, alone (respx) and behind a live server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import respx

from platform_server.payments.gateway import GatewayUnavailable, HttpGateway, PaymentDeclined
from tests.conftest import Account, assert_problem, bearer
from tests.server.commerce.conftest import API, Shop
from tests.server.conftest import login_ok, own_server
from tests.servers import LiveServer

BASE = "https://payments.example.test"
KEY = "sk_test_123"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def gateway() -> AsyncIterator[HttpGateway]:
    client = HttpGateway(BASE, KEY, timeout=2)
    yield client
    await client.close()


async def charge(gateway: HttpGateway, key: str = "order-1:attempt-1") -> str:
    result = await gateway.charge(
        amount=Decimal("12.50"), currency="EUR", token="pm_card_visa", idempotency_key=key
    )
    return result.reference


@pytest.mark.anyio
async def test_charge_succeeds_with_key_and_auth(gateway: HttpGateway) -> None:
    with respx.mock(base_url=BASE) as mock:
        route = mock.post("/charges").respond(201, json={"id": "ch_123", "status": "succeeded"})
        assert await charge(gateway, "order-9:abc") == "ch_123"
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["idempotency-key"] == "order-9:abc"
    assert json.loads(request.content) == {
        "amount": "12.50",
        "currency": "EUR",
        "payment_method": "pm_card_visa",
    }


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "body", "code", "message"),
    [
        (
            402,
            {"decline_code": "insufficient_funds", "message": "No money."},
            "insufficient_funds",
            "No money.",
        ),
        (402, {}, "card_declined", "The card was declined."),
        (
            200,
            {"status": "declined", "decline_code": "stolen_card"},
            "stolen_card",
            "The card was declined.",
        ),
    ],
)
async def test_declines(
    gateway: HttpGateway, status: int, body: dict[str, str], code: str, message: str
) -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.post("/charges").respond(status, json=body)
        with pytest.raises(PaymentDeclined) as declined:
            await charge(gateway)
    assert (declined.value.code, declined.value.message) == (code, message)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, json={"error": "boom"}),
        httpx.Response(503),
        httpx.Response(429, json={"error": "slow down"}),
        httpx.Response(400, json={"error": "bad request"}),
        httpx.Response(200, text="<html>not json</html>"),
        httpx.Response(200, json={"status": "succeeded"}),  # no id
        httpx.Response(200, json={"id": "ch_1", "status": "pending"}),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(302, headers={"Location": "https://elsewhere.example"}),
    ],
)
async def test_provider_failures_are_unavailable(
    gateway: HttpGateway, response: httpx.Response
) -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.post("/charges").mock(return_value=response)
        with pytest.raises(GatewayUnavailable):
            await charge(gateway)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "error",
    [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.ConnectError("refused")],
)
async def test_timeouts_and_network_errors_are_unavailable(
    gateway: HttpGateway, error: Exception
) -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.post("/charges").mock(side_effect=error)
        with pytest.raises(GatewayUnavailable):
            await charge(gateway)
        mock.post("/refunds").mock(side_effect=error)
        with pytest.raises(GatewayUnavailable):
            await gateway.refund(
                charge_reference="ch_1", amount=Decimal("1"), currency="EUR", idempotency_key="r"
            )


@pytest.mark.anyio
async def test_refund_succeeds(gateway: HttpGateway) -> None:
    with respx.mock(base_url=BASE) as mock:
        route = mock.post("/refunds").respond(200, json={"id": "re_9"})
        reference = await gateway.refund(
            charge_reference="ch_123",
            amount=Decimal("3.10"),
            currency="EUR",
            idempotency_key="pay-1:0.00:3.10",
        )
    assert reference == "re_9"
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["idempotency-key"] == "pay-1:0.00:3.10"
    assert json.loads(request.content) == {"charge": "ch_123", "amount": "3.10", "currency": "EUR"}


@pytest.mark.anyio
@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(400, json={"id": "re_1", "error": "already refunded"}),
        httpx.Response(500),
        httpx.Response(200, json={"status": "ok"}),  # no id
    ],
)
async def test_refund_failures_are_unavailable(
    gateway: HttpGateway, response: httpx.Response
) -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.post("/refunds").mock(return_value=response)
        with pytest.raises(GatewayUnavailable):
            await gateway.refund(
                charge_reference="ch_1", amount=Decimal("1"), currency="EUR", idempotency_key="r"
            )


def test_live_server_pays_through_the_provider(
    tmp_path: Path, server: LiveServer, shop: Shop, customer: Account, staff: Account
) -> None:
    product = shop.product(price="8.40", stock=5)
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="127.0.0.1").pass_through()
        charges = mock.post(f"{BASE}/charges")
        refunds = mock.post(f"{BASE}/refunds").respond(200, json={"id": "re_live_1"})
        with (
            own_server(
                tmp_path,
                server.settings.resolved_database_url,
                payment_gateway="http",
                payment_gateway_url=BASE,
                payment_gateway_key="sk_test",
            ) as second,
            httpx.Client(base_url=second.url, timeout=30) as client,
        ):
            buyer = bearer(login_ok(client, customer.email, customer.password)["access_token"])
            clerk = bearer(login_ok(client, staff.email, staff.password)["access_token"])

            def place() -> str:
                body = {"items": [{"product_id": product["id"], "quantity": 2}]}
                created = client.post(f"{API}/orders", json=body, headers=buyer)
                assert created.status_code == 201, created.text
                return str(created.json()["id"])

            def pay(order_id: str, key: str | None = None) -> httpx.Response:
                headers = {**buyer, **({"Idempotency-Key": key} if key else {})}
                return client.post(
                    f"{API}/orders/{order_id}/payments",
                    json={"payment_method": "pm_live_token_1"},
                    headers=headers,
                )

            # declined at the provider: 402, and the order stays payable
            order_id = place()
            charges.respond(402, json={"decline_code": "do_not_honor", "message": "Nope."})
            declined = pay(order_id)
            assert assert_problem(declined, 402)["decline_code"] == "do_not_honor"
            # the provider is down: 502, nothing recorded as succeeded
            charges.respond(500)
            assert_problem(pay(order_id), 502)
            assert [p["status"] for p in shop.payments(order_id)] == ["failed"]
            assert shop.get_order(order_id)["status"] == "pending"
            # and then it works
            charges.respond(200, json={"id": "ch_live_1", "status": "succeeded"})
            paid = pay(order_id, key="client-key-1")
            assert paid.status_code == 201, paid.text
            assert paid.json()["gateway"] == "http"
            assert paid.json()["amount"] == "16.80"
            sent = charges.calls.last.request
            assert sent.headers["authorization"] == "Bearer sk_test"
            assert sent.headers["idempotency-key"] == f"{order_id}:client-key-1"
            assert json.loads(sent.content) == {
                "amount": "16.80",
                "currency": "USD",
                "payment_method": "pm_live_token_1",
            }
            calls_before = charges.call_count
            replay = pay(order_id, key="client-key-1")
            assert replay.headers["idempotent-replayed"] == "true"
            assert charges.call_count == calls_before  # no second charge
            assert shop.get_order(order_id)["status"] == "paid"

            refunded = client.post(
                f"{API}/payments/{paid.json()['id']}/refunds",
                json={"amount": "6.80"},
                headers=clerk,
            )
            assert refunded.status_code == 201, refunded.text
            refund_sent = refunds.calls.last.request
            assert refund_sent.headers["authorization"] == "Bearer sk_test"
            assert refund_sent.headers["idempotency-key"]
            assert json.loads(refund_sent.content) == {
                "charge": "ch_live_1",
                "amount": "6.80",
                "currency": "USD",
            }
            # a refund the provider refuses is a 502, and nothing is refunded here either
            refunds.respond(400, json={"error": "nope"})
            failed = client.post(
                f"{API}/payments/{paid.json()['id']}/refunds", json={}, headers=clerk
            )
            assert_problem(failed, 502)
            assert shop.payments(order_id)[0]["refunded_amount"] == "6.80"
            assert shop.get_order(order_id)["status"] == "paid"
