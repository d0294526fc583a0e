"""What the commerce methods send and how they read answers, against a mocked server."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from sdk_helpers import BASE_URL, problem

from platform_sdk import (
    APIResponseValidationError,
    AsyncClient,
    Client,
    InternalServerError,
    PaymentRequiredError,
)

ORDER_ID = uuid.uuid4()
PAYMENT_ID = uuid.uuid4()


def payment_json(**overrides: Any) -> dict[str, Any]:
    payment = {
        "id": str(PAYMENT_ID),
        "order_id": str(ORDER_ID),
        "amount": "19.99",
        "currency": "USD",
        "status": "succeeded",
        "payment_method": "pm_card_ok",
        "gateway": "sandbox",
        "failure_code": None,
        "failure_message": None,
        "refunded_amount": "0.00",
        "created_at": "2026-11-25T08:00:00Z",
    }
    payment.update(overrides)
    return payment


def test_money_is_sent_as_decimal_strings(client: Client, api: respx.MockRouter) -> None:
    route = api.get("/api/v1/products").mock(
        return_value=httpx.Response(200, json={"data": [], "next_cursor": None})
    )
    client.products.list(min_price=Decimal("10.50"), max_price="20", in_stock=True, sort="-price")
    assert dict(route.calls[0].request.url.params) == {
        "min_price": "10.50",
        "max_price": "20",
        "in_stock": "true",
        "sort": "-price",
    }


def test_order_items_accept_typed_dicts_and_mappings(client: Client, api: respx.MockRouter) -> None:
    route = api.post("/api/v1/orders").mock(return_value=httpx.Response(500))
    product = uuid.uuid4()
    with pytest.raises(InternalServerError):
        client.with_options(max_retries=0).orders.create(
            items=[{"product_id": product, "quantity": 2}, {"product_id": "p-2", "quantity": 1}]
        )
    request = route.calls[0].request
    assert json.loads(request.content) == {
        "items": [{"product_id": str(product), "quantity": 2}, {"product_id": "p-2", "quantity": 1}]
    }
    assert request.headers["idempotency-key"]


def test_invoice_asks_for_json_and_invoice_pdf_for_bytes(api: respx.MockRouter) -> None:
    route = api.get(f"/api/v1/orders/{ORDER_ID}/invoice").mock(
        return_value=httpx.Response(
            200, content=b"%PDF-1.4 ...", headers={"content-type": "application/pdf"}
        )
    )
    # a default Accept header never changes what a method parses
    with Client(BASE_URL, api_key="k", default_headers={"Accept": "text/html"}) as client:
        assert client.orders.invoice_pdf(ORDER_ID) == b"%PDF-1.4 ..."
        raw = client.with_raw_response.orders.invoice_pdf(str(ORDER_ID))
        assert raw.parse().startswith(b"%PDF")
        with pytest.raises(APIResponseValidationError):
            client.orders.invoice(ORDER_ID)  # answered with a PDF: not JSON
    accepts = [call.request.headers["accept"] for call in route.calls]
    assert accepts == ["application/pdf", "application/pdf", "application/json"]


def test_invoice_pdf_refuses_another_media_type(client: Client, api: respx.MockRouter) -> None:
    api.get(f"/api/v1/orders/{ORDER_ID}/invoice").mock(
        return_value=httpx.Response(200, json={"id": "not a pdf"})
    )
    with pytest.raises(APIResponseValidationError, match="expected application/pdf"):
        client.orders.invoice_pdf(ORDER_ID)


@pytest.mark.anyio
async def test_declined_payment_carries_code_and_attempt(
    aclient: AsyncClient, api: respx.MockRouter
) -> None:
    failed = payment_json(status="failed", failure_code="card_declined", payment_method="pm_x")
    body = problem(402, "Payment declined", "The card was declined.")
    body.update(decline_code="card_declined", payment=failed)
    route = api.post(f"/api/v1/orders/{ORDER_ID}/payments").mock(
        return_value=httpx.Response(
            402, json=body, headers={"content-type": "application/problem+json"}
        )
    )
    with pytest.raises(PaymentRequiredError) as declined:
        await aclient.orders.payments.create(ORDER_ID, payment_method="pm_x")
    error = declined.value
    assert error.decline_code == "card_declined" and error.status_code == 402
    assert error.payment is not None and error.payment.failure_code == "card_declined"
    assert error.payment.amount == Decimal("19.99")
    assert route.call_count == 1  # a decline is an answer, never retried


def test_payment_error_without_attempt(client: Client, api: respx.MockRouter) -> None:
    api.post(f"/api/v1/orders/{ORDER_ID}/payments").mock(
        return_value=httpx.Response(402, json={"title": "Payment required", "payment": {"id": 1}})
    )
    with pytest.raises(PaymentRequiredError) as declined:
        client.orders.payments.create(ORDER_ID, payment_method="pm_x")
    assert (declined.value.decline_code, declined.value.payment) == (None, None)


def test_refund_and_recommendations(client: Client, api: respx.MockRouter) -> None:
    refund = api.post(f"/api/v1/payments/{PAYMENT_ID}/refunds").mock(
        return_value=httpx.Response(
            201,
            json={
                "id": str(uuid.uuid4()),
                "payment_id": str(PAYMENT_ID),
                "order_id": str(ORDER_ID),
                "amount": "5.00",
                "currency": "USD",
                "reason": None,
                "created_at": "2026-11-25T08:00:00Z",
            },
        )
    )
    assert client.payments.refunds.create(PAYMENT_ID, amount=Decimal("5")).amount == Decimal("5")
    assert json.loads(refund.calls[0].request.content) == {"amount": "5"}
    assert refund.calls[0].request.headers["idempotency-key"]

    recs = api.get(f"/api/v1/products/{ORDER_ID}/recommendations").mock(
        return_value=httpx.Response(200, json={"data": [], "next_cursor": None})
    )
    page = client.products.recommendations(ORDER_ID, limit=3)
    assert list(page) == [] and not page.has_next_page()
    assert recs.calls[0].request.url.params["limit"] == "3"
