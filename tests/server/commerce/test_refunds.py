"""Refunds: partial and full, never more than captured, staff only."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop


def refund(
    api: httpx.Client, payment_id: str, headers: dict[str, str], **body: Any
) -> httpx.Response:
    return api.post(f"{API}/payments/{payment_id}/refunds", json=body, headers=headers)


def test_partial_then_the_rest(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account
) -> None:
    product = shop.product(price="25.00", stock=4)
    order, payment = shop.paid_order(customer, (product["id"], 2))
    part = refund(api, payment["id"], staff.headers, amount="20.00", reason="damaged box")
    assert part.status_code == 201, part.text
    assert part.json() | {"id": None, "created_at": None} == {
        "id": None,
        "created_at": None,
        "reference": f"#{order['number']}-R1",
        "payment_id": payment["id"],
        "order_id": order["id"],
        "amount": "20.00",
        "currency": "USD",
        "reason": "damaged box",
    }
    assert shop.payments(order["id"])[0]["refunded_amount"] == "20.00"
    assert shop.get_order(order["id"])["status"] == "paid"
    assert shop.inventory(product["id"])["reserved"] == 2

    rest = refund(api, payment["id"], staff.headers)  # no amount: everything left
    assert rest.status_code == 201, rest.text
    assert rest.json()["amount"] == "30.00"
    assert shop.payments(order["id"])[0]["refunded_amount"] == "50.00"
    assert shop.get_order(order["id"])["status"] == "refunded"
    # a refunded paid order no longer holds its stock
    level = shop.inventory(product["id"])
    assert (level["on_hand"], level["reserved"]) == (4, 0)
    history = api.get(f"{API}/orders/{order['id']}/history", headers=staff.headers).json()["data"]
    assert (history[0]["from_status"], history[0]["to_status"], history[0]["actor_id"]) == (
        "paid",
        "refunded",
        staff.id,
    )
    assert_problem(refund(api, payment["id"], staff.headers, amount="0.01"), 422, field="amount")
    # Nothing left: said in words, not as an empty interval
    done = refund(api, payment["id"], staff.headers)
    assert_problem(done, 422, field="amount")
    assert "already refunded in full (50.00 USD)" in done.json()["detail"]
    assert "(0, " not in done.text


def test_get_a_payment(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account, make_user: Any
) -> None:
    product = shop.product(price="12.00", stock=2)
    _, payment = shop.paid_order(customer, (product["id"], 1))
    for headers in (customer.headers, staff.headers):  # the buyer and staff
        got = api.get(f"{API}/payments/{payment['id']}", headers=headers)
        assert got.status_code == 200, got.text
        assert got.json() == payment | {"refunded_amount": "0.00"}
    stranger = make_user()
    assert_problem(api.get(f"{API}/payments/{payment['id']}", headers=stranger.headers), 404)
    assert_problem(api.get(f"{API}/payments/{uuid.uuid4()}", headers=staff.headers), 404)
    assert_problem(api.get(f"{API}/payments/not-an-id", headers=staff.headers), 422)


def test_full_refund_of_a_delivered_order(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(stock=2)
    order, payment = shop.paid_order(customer, (product["id"], 1))
    for action, body in (
        ("fulfill", None),
        ("ship", {"carrier": "DHL", "tracking_number": "1"}),
        ("deliver", None),
    ):
        step = api.post(f"{API}/orders/{order['id']}/{action}", json=body, headers=shop.headers)
        assert step.status_code == 200, step.text
    assert refund(api, payment["id"], shop.headers).status_code == 201
    assert shop.get_order(order["id"])["status"] == "refunded"
    level = shop.inventory(product["id"])
    assert (level["on_hand"], level["reserved"]) == (1, 0)  # shipped goods are not restocked


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("10.01", "amount"),
        ("0", "amount"),
        ("0.00", "amount"),
        ("0.001", "amount"),
        ("-1", "amount"),
        ("abc", "amount"),
        ("NaN", "amount"),
    ],
)
def test_bad_refund_amounts_are_422(
    api: httpx.Client, shop: Shop, customer: Account, amount: str, field: str
) -> None:
    order, payment = shop.paid_order(customer, (shop.product(price="10.00")["id"], 1))
    assert_problem(refund(api, payment["id"], shop.headers, amount=amount), 422, field=field)
    assert shop.payments(order["id"])[0]["refunded_amount"] == "0.00"
    assert shop.get_order(order["id"])["status"] == "paid"


def test_over_refund_across_refunds_is_422(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    order, payment = shop.paid_order(customer, (shop.product(price="10.00")["id"], 1))
    assert refund(api, payment["id"], shop.headers, amount="6.00").status_code == 201
    body = assert_problem(
        refund(api, payment["id"], shop.headers, amount="4.01"), 422, field="amount"
    )
    assert "4.00" in body["detail"]
    assert shop.payments(order["id"])[0]["refunded_amount"] == "6.00"


def test_refund_unknown_fields_are_422(api: httpx.Client, shop: Shop, customer: Account) -> None:
    _, payment = shop.paid_order(customer, (shop.product()["id"], 1))
    response = refund(api, payment["id"], shop.headers, amount="1.00", currency="EUR")
    assert_problem(response, 422, field="currency")
    long_reason = refund(api, payment["id"], shop.headers, reason="x" * 501)
    assert_problem(long_reason, 422, field="reason")


def test_customers_cannot_refund(api: httpx.Client, shop: Shop, customer: Account) -> None:
    order, payment = shop.paid_order(customer, (shop.product()["id"], 1))
    assert_problem(refund(api, payment["id"], customer.headers), 403)
    assert_problem(refund(api, payment["id"], {}), 401)
    assert shop.payments(order["id"])[0]["refunded_amount"] == "0.00"


def test_unknown_and_failed_payments(api: httpx.Client, shop: Shop, customer: Account) -> None:
    assert_problem(refund(api, str(uuid.uuid4()), shop.headers), 404)
    order = shop.order(customer, (shop.product()["id"], 1))
    declined = shop.pay(customer, order["id"], "pm_card_declined")
    failed_id = declined.json()["payment"]["id"]
    assert_problem(refund(api, failed_id, shop.headers), 409)


def test_idempotent_refund(api: httpx.Client, shop: Shop, customer: Account) -> None:
    order, payment = shop.paid_order(customer, (shop.product(price="10.00")["id"], 1))
    headers = {**shop.headers, "Idempotency-Key": f"refund-{uuid.uuid4()}"}
    first = api.post(
        f"{API}/payments/{payment['id']}/refunds", json={"amount": "3.00"}, headers=headers
    )
    assert first.status_code == 201, first.text
    again = api.post(
        f"{API}/payments/{payment['id']}/refunds", json={"amount": "3.00"}, headers=headers
    )
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert shop.payments(order["id"])[0]["refunded_amount"] == "3.00"
    other = api.post(
        f"{API}/payments/{payment['id']}/refunds", json={"amount": "4.00"}, headers=headers
    )
    assert_problem(other, 422, field="Idempotency-Key")
    assert shop.payments(order["id"])[0]["refunded_amount"] == "3.00"
