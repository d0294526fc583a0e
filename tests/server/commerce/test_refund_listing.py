"""A payment's refunds (GET /payments/{id}/refunds) with their credit notes and readable
references, and cancellation refunds audited and announced like explicit ones."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop


def refunds(api: httpx.Client, payment_id: str, headers: Any, **params: Any) -> httpx.Response:
    return api.get(f"{API}/payments/{payment_id}/refunds", params=params, headers=headers)


def test_a_cancellation_refund_is_listed_audited_and_announced(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account
) -> None:
    order, payment = shop.paid_order(customer, (shop.product(price="12.00")["id"], 1))
    number = order["number"]
    assert payment["reference"] == f"#{number}-P1"
    cancelled = api.post(f"{API}/orders/{order['id']}/cancel", headers=staff.headers)
    assert cancelled.status_code == 200, cancelled.text

    # The buyer finds the refund the cancel made, and its credit note.
    listed = refunds(api, payment["id"], customer.headers)
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["next_cursor"] is None
    [made] = page["data"]
    assert made | {"id": None, "created_at": None} == {
        "id": None,
        "created_at": None,
        "reference": f"#{number}-R1",
        "payment_id": payment["id"],
        "order_id": order["id"],
        "amount": "12.00",
        "currency": "USD",
        "reason": "order cancelled",
        "credit_note_number": made["credit_note_number"],
    }
    assert made["credit_note_number"].startswith("CN-")
    note = api.get(
        f"{API}/payments/{payment['id']}/refunds/{made['id']}/credit-note",
        headers={**customer.headers, "Accept": "application/json"},
    )
    assert note.status_code == 200, note.text
    assert note.json()["number"] == made["credit_note_number"]

    # Audited as the person who cancelled, and on the event stream as payment.refunded.
    trail = api.get(
        f"{API}/audit",
        params={"action": "payment.refund", "target_id": payment["id"]},
        headers=shop.headers,
    )
    assert trail.status_code == 200, trail.text
    [record] = trail.json()["data"]
    assert record["actor_id"] == staff.id
    assert record["changes"]["refund_id"] == made["id"]
    assert record["changes"]["refund_reference"] == f"#{number}-R1"
    events = api.get(
        f"{API}/events",
        params={"type": "payment.refunded", "resource_id": made["id"]},
        headers=shop.headers,
    )
    assert events.status_code == 200, events.text
    [event] = events.json()["data"]
    assert event["resource_type"] == "refund"
    assert event["data"]["amount"] == "12.00" and event["data"]["order_id"] == order["id"]


def test_explicit_refunds_are_announced_and_paged(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account
) -> None:
    order, payment = shop.paid_order(customer, (shop.product(price="9.00")["id"], 1))
    for amount in ("1.00", "2.00"):
        made = api.post(
            f"{API}/payments/{payment['id']}/refunds",
            json={"amount": amount},
            headers=staff.headers,
        )
        assert made.status_code == 201, made.text
    first = refunds(api, payment["id"], staff.headers, limit=1).json()
    assert [r["amount"] for r in first["data"]] == ["2.00"]  # newest first
    assert first["data"][0]["reference"] == f"#{order['number']}-R2"
    rest = refunds(api, payment["id"], staff.headers, cursor=first["next_cursor"]).json()
    assert [r["reference"] for r in rest["data"]] == [f"#{order['number']}-R1"]
    for listed in (first["data"][0], rest["data"][0]):
        seen = api.get(
            f"{API}/events",
            params={"type": "payment.refunded", "resource_id": listed["id"]},
            headers=shop.headers,
        ).json()["data"]
        assert len(seen) == 1


def test_refund_listing_bad_input(
    api: httpx.Client, shop: Shop, customer: Account, make_user: Any
) -> None:
    _, payment = shop.paid_order(customer, (shop.product(price="3.00")["id"], 1))
    stranger = make_user()
    # Someone else's payment is as missing as an unknown one.
    assert_problem(refunds(api, payment["id"], stranger.headers), 404)
    assert_problem(refunds(api, "0" * 8 + "-0000-7000-8000-" + "0" * 12, customer.headers), 404)
    assert_problem(refunds(api, "not-a-uuid", customer.headers), 422)
    assert_problem(refunds(api, payment["id"], customer.headers, limit=0), 422)
    assert_problem(refunds(api, payment["id"], customer.headers, cursor="garbage"), 422)
    assert refunds(api, payment["id"], customer.headers).json() == {"data": [], "next_cursor": None}
