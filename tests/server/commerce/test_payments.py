"""Paying orders through the sandbox gateway."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop


def test_pay_an_order(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(price="4.99", stock=5)
    order = shop.order(customer, (product["id"], 3))
    paid = shop.pay(customer, order["id"])
    assert paid.status_code == 201, paid.text
    payment = paid.json()
    assert payment["order_id"] == order["id"]
    assert payment["amount"] == order["total"] == "14.97"
    assert payment["currency"] == "USD"
    assert payment["status"] == "succeeded"
    assert payment["payment_method"] == "pm_card_ok"
    assert payment["gateway"] == "sandbox"
    assert payment["failure_code"] is None
    assert payment["refunded_amount"] == "0.00"
    after = shop.get_order(order["id"], customer.headers)
    assert after["status"] == "paid"
    assert after["expires_at"] is None
    listed = api.get(f"{API}/orders/{order['id']}/payments", headers=customer.headers)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["data"]] == [payment["id"]]
    # payment keeps the stock reserved until fulfilment
    assert shop.inventory(product["id"])["reserved"] == 3


@pytest.mark.parametrize(
    ("token", "code"),
    [("pm_card_declined", "card_declined"), ("pm_card_insufficient_funds", "insufficient_funds")],
)
def test_declined_is_402_and_the_order_stays_payable(
    api: httpx.Client, shop: Shop, customer: Account, token: str, code: str
) -> None:
    product = shop.product(stock=2)
    order = shop.order(customer, (product["id"], 1))
    declined = shop.pay(customer, order["id"], token)
    body = assert_problem(declined, 402)
    assert body["decline_code"] == code
    assert body["payment"]["status"] == "failed"
    assert body["payment"]["failure_code"] == code
    assert "still payable" in body["detail"]
    assert shop.get_order(order["id"])["status"] == "pending"
    assert shop.inventory(product["id"])["reserved"] == 1
    [failed] = shop.payments(order["id"])
    assert (failed["id"], failed["status"]) == (body["payment"]["id"], "failed")
    # no invoice for a failed attempt
    assert_problem(api.get(f"{API}/orders/{order['id']}/invoice", headers=customer.headers), 409)
    ok = shop.pay(customer, order["id"])
    assert ok.status_code == 201, ok.text
    assert shop.get_order(order["id"])["status"] == "paid"
    statuses = sorted(p["status"] for p in shop.payments(order["id"]))
    assert statuses == ["failed", "succeeded"]


def test_gateway_error_is_502_and_nothing_is_recorded(shop: Shop, customer: Account) -> None:
    product = shop.product(stock=2)
    order = shop.order(customer, (product["id"], 1))
    body = assert_problem(shop.pay(customer, order["id"], "pm_card_error"), 502)
    assert "Nothing was charged" in body["detail"]
    assert shop.payments(order["id"]) == []
    assert shop.get_order(order["id"])["status"] == "pending"
    assert shop.inventory(product["id"])["reserved"] == 1
    assert shop.pay(customer, order["id"]).status_code == 201


@pytest.mark.parametrize(
    "token",
    [
        "4242424242424242",
        "4242 4242 4242 4242",
        "4242-4242-4242-4242",
        "pm_4242424242424242x",  # a token, but not a sandbox one
        "pm_unknown",
        "tok_visa",
        "pm_",
        "pm_card ok",
        "",
        "x" * 101,
    ],
)
def test_bad_payment_methods_are_422(shop: Shop, shared_customer: Account, token: str) -> None:
    # the order need not exist: the token is checked first, and nothing is charged
    response = shop.pay(shared_customer, str(uuid.uuid4()), token)
    body = assert_problem(response, 422, field="payment_method")
    if token.replace(" ", "").replace("-", "").isdigit():
        assert "Card numbers are never accepted" in body["detail"]
        assert token not in response.text


def test_card_number_never_stored(api: httpx.Client, shop: Shop, customer: Account) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    assert_problem(
        shop.pay(customer, order["id"], "4111 1111 1111 1111"), 422, field="payment_method"
    )
    assert shop.payments(order["id"]) == []
    assert shop.get_order(order["id"])["status"] == "pending"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "payment_method"),
        ({"payment_method": 42}, "payment_method"),
        ({"payment_method": "pm_card_ok", "amount": "1.00"}, "amount"),
    ],
)
def test_bad_payment_bodies_are_422(
    api: httpx.Client, shop: Shop, customer: Account, body: dict[str, Any], field: str
) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    response = api.post(f"{API}/orders/{order['id']}/payments", json=body, headers=customer.headers)
    assert_problem(response, 422, field=field)
    assert shop.get_order(order["id"])["status"] == "pending"


def test_paying_a_paid_order_is_409(shop: Shop, customer: Account) -> None:
    order, payment = shop.paid_order(customer, (shop.product()["id"], 1))
    body = assert_problem(shop.pay(customer, order["id"]), 409)
    assert body["current_status"] == "paid"
    assert [p["id"] for p in shop.payments(order["id"])] == [payment["id"]]


def test_paying_needs_sign_in(api: httpx.Client, shop: Shop, customer: Account) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    response = api.post(
        f"{API}/orders/{order['id']}/payments", json={"payment_method": "pm_card_ok"}
    )
    assert_problem(response, 401)
    assert_problem(api.get(f"{API}/orders/{order['id']}/payments"), 401)
    assert_problem(api.get(f"{API}/orders/{uuid.uuid4()}/payments", headers=customer.headers), 404)


def test_idempotent_payment_replays_one_charge(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    key = {"Idempotency-Key": f"pay-{uuid.uuid4()}"}
    first = shop.pay(customer, order["id"], headers=key)
    assert first.status_code == 201, first.text
    again = shop.pay(customer, order["id"], headers=key)
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert [p["id"] for p in shop.payments(order["id"])] == [first.json()["id"]]
    other = shop.pay(customer, order["id"], "pm_card_declined", headers=key)
    assert_problem(other, 422, field="Idempotency-Key")
    assert len(shop.payments(order["id"])) == 1


def test_idempotent_decline_replays_the_402(shop: Shop, customer: Account) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    key = {"Idempotency-Key": f"pay-{uuid.uuid4()}"}
    first = shop.pay(customer, order["id"], "pm_card_declined", headers=key)
    assert_problem(first, 402)
    again = shop.pay(customer, order["id"], "pm_card_declined", headers=key)
    # The stored answer, status and body, as it was (its request_id names the first request).
    assert again.status_code == 402
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert len(shop.payments(order["id"])) == 1
    # a new key pays the order
    assert (
        shop.pay(customer, order["id"], headers={"Idempotency-Key": str(uuid.uuid4())}).status_code
        == 201
    )


def test_gateway_error_frees_the_key_for_a_retry(shop: Shop, customer: Account) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    key = {"Idempotency-Key": f"pay-{uuid.uuid4()}"}
    assert_problem(shop.pay(customer, order["id"], "pm_card_error", headers=key), 502)
    retry = shop.pay(customer, order["id"], "pm_card_error", headers=key)
    assert_problem(retry, 502)
    assert "idempotent-replayed" not in retry.headers
    assert shop.payments(order["id"]) == []
