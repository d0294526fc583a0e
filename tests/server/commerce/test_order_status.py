"""The order status machine: legal moves, history, cancel, fulfil, ship and deliver."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop, all_pages

SHIP = {"carrier": "UPS", "tracking_number": "1Z999AA10123456784"}


def act(
    api: httpx.Client, order_id: str, action: str, headers: dict[str, str], **kw: Any
) -> httpx.Response:
    return api.post(f"{API}/orders/{order_id}/{action}", headers=headers, **kw)


def history(api: httpx.Client, order_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    return all_pages(api, f"{API}/orders/{order_id}/history", {"limit": 2}, headers=headers)


def test_full_lifecycle_with_history(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account
) -> None:
    product = shop.product(stock=6)
    start = datetime.now(UTC) - timedelta(seconds=5)
    order = shop.order(customer, (product["id"], 2))
    assert shop.pay(customer, order["id"]).status_code == 201
    fulfilled = act(api, order["id"], "fulfill", staff.headers)
    assert fulfilled.status_code == 200, fulfilled.text
    assert fulfilled.json()["status"] == "fulfilled"
    shipped = act(api, order["id"], "ship", staff.headers, json=SHIP)
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["status"] == "shipped"
    assert shipped.json()["carrier"] == "UPS"
    assert shipped.json()["tracking_number"] == SHIP["tracking_number"]
    delivered = act(api, order["id"], "deliver", staff.headers)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["status"] == "delivered"
    assert delivered.json()["expires_at"] is None

    steps = history(api, order["id"], customer.headers)  # the buyer may read it too
    assert [(h["from_status"], h["to_status"]) for h in steps] == [
        ("shipped", "delivered"),
        ("fulfilled", "shipped"),
        ("paid", "fulfilled"),
        ("pending", "paid"),
        (None, "pending"),
    ]
    assert [h["actor_id"] for h in steps] == [
        staff.id,
        staff.id,
        staff.id,
        customer.id,
        customer.id,
    ]
    # ...and by email, for people (the CLI's BY column)
    assert [h["actor_email"] for h in steps] == [staff.email] * 3 + [customer.email] * 2
    assert all(h["order_id"] == order["id"] for h in steps)
    times = [datetime.fromisoformat(h["created_at"]) for h in steps]
    assert times == sorted(times, reverse=True)
    assert all(start <= t <= datetime.now(UTC) + timedelta(seconds=5) for t in times)
    assert SHIP["tracking_number"] in (steps[1]["note"] or "")
    # delivered stock left the warehouse at fulfilment
    level = shop.inventory(product["id"])
    assert (level["on_hand"], level["reserved"]) == (4, 0)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [("fulfill", ["cancelled", "expired", "paid"]), ("deliver", ["cancelled", "expired", "paid"])],
)
def test_illegal_moves_from_pending_are_409_naming_allowed(
    api: httpx.Client, shop: Shop, customer: Account, action: str, allowed: list[str]
) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    body = assert_problem(act(api, order["id"], action, shop.headers), 409)
    assert body["allowed"] == allowed
    assert body["current_status"] == "pending"
    for status in allowed:
        assert status in body["detail"]
    ship = assert_problem(act(api, order["id"], "ship", shop.headers, json=SHIP), 409)
    assert ship["allowed"] == allowed
    assert shop.get_order(order["id"])["status"] == "pending"


def test_illegal_moves_from_paid_and_final_states(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    order, _ = shop.paid_order(customer, (shop.product()["id"], 1))
    for action, kw in (("ship", {"json": SHIP}), ("deliver", {})):
        body = assert_problem(act(api, order["id"], action, shop.headers, **kw), 409)
        assert body["allowed"] == ["cancelled", "fulfilled", "refunded"]
    assert act(api, order["id"], "fulfill", shop.headers).status_code == 200
    again = assert_problem(act(api, order["id"], "fulfill", shop.headers), 409)
    assert again["allowed"] == ["cancelled", "refunded", "shipped"]

    cancelled = shop.order(customer, (shop.product()["id"], 1))
    assert act(api, cancelled["id"], "cancel", customer.headers).status_code == 200
    for action, kw in (("fulfill", {}), ("cancel", {}), ("ship", {"json": SHIP})):
        body = assert_problem(act(api, cancelled["id"], action, shop.headers, **kw), 409)
        assert body["allowed"] == []
        assert "final" in body["detail"]
    assert_problem(shop.pay(customer, cancelled["id"]), 409)


def test_staff_actions_are_forbidden_to_customers(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    order, _ = shop.paid_order(customer, (shop.product()["id"], 1))
    for action, kw in (("fulfill", {}), ("ship", {"json": SHIP}), ("deliver", {})):
        assert_problem(act(api, order["id"], action, customer.headers, **kw), 403)
        assert_problem(act(api, order["id"], action, {}, **kw), 401)
    assert shop.get_order(order["id"])["status"] == "paid"


def test_unknown_order_actions_are_404(api: httpx.Client, shared_staff: Account) -> None:
    missing = str(uuid.uuid4())
    for action, kw in (("fulfill", {}), ("ship", {"json": SHIP}), ("deliver", {}), ("cancel", {})):
        assert_problem(act(api, missing, action, shared_staff.headers, **kw), 404)
    assert_problem(api.get(f"{API}/orders/{missing}/history", headers=shared_staff.headers), 404)


def test_customer_cancels_pending_and_stock_is_released(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    product = shop.product(stock=5)
    order = shop.order(customer, (product["id"], 4))
    assert shop.inventory(product["id"])["available"] == 1
    cancelled = act(api, order["id"], "cancel", customer.headers, json={"note": "changed my mind"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    level = shop.inventory(product["id"])
    assert (level["on_hand"], level["reserved"], level["available"]) == (5, 0, 5)
    latest = history(api, order["id"], customer.headers)[0]
    assert (latest["from_status"], latest["to_status"]) == ("pending", "cancelled")
    assert latest["actor_id"] == customer.id
    assert latest["note"] == "changed my mind"
    # cancelling twice neither succeeds nor releases the stock again
    assert_problem(act(api, order["id"], "cancel", customer.headers), 409)
    assert shop.inventory(product["id"])["reserved"] == 0


def test_cancel_note_is_validated(api: httpx.Client, shop: Shop, customer: Account) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    too_long = act(api, order["id"], "cancel", customer.headers, json={"note": "x" * 501})
    assert_problem(too_long, 422, field="note")
    unknown = act(api, order["id"], "cancel", customer.headers, json={"reason": "x"})
    assert_problem(unknown, 422, field="reason")
    assert shop.get_order(order["id"])["status"] == "pending"


def test_customer_cannot_cancel_a_paid_order(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    product = shop.product(stock=3)
    order, _ = shop.paid_order(customer, (product["id"], 2))
    body = assert_problem(act(api, order["id"], "cancel", customer.headers), 409)
    assert body["current_status"] == "paid"
    assert shop.get_order(order["id"])["status"] == "paid"
    assert shop.inventory(product["id"])["reserved"] == 2
    assert shop.payments(order["id"])[0]["refunded_amount"] == "0.00"


def test_staff_cancel_of_a_paid_order_refunds_in_full_and_releases_stock(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account
) -> None:
    product = shop.product(stock=3, price="7.25")
    order, payment = shop.paid_order(customer, (product["id"], 2))
    cancelled = act(api, order["id"], "cancel", staff.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    [after] = shop.payments(order["id"])
    assert after["id"] == payment["id"]
    assert after["refunded_amount"] == after["amount"] == "14.50"
    level = shop.inventory(product["id"])
    assert (level["on_hand"], level["reserved"]) == (3, 0)
    latest = history(api, order["id"], staff.headers)[0]
    assert (latest["from_status"], latest["to_status"], latest["actor_id"]) == (
        "paid",
        "cancelled",
        staff.id,
    )
    invoice = api.get(
        f"{API}/orders/{order['id']}/invoice",
        headers={**staff.headers, "Accept": "application/json"},
    )
    # The invoice stays as issued at payment; the refund has a credit note.
    assert invoice.json()["payment_status"] == "paid"
    assert invoice.json()["amount_refunded"] == "0.00"


def test_staff_cancel_of_a_fulfilled_order_refunds_without_restocking(
    api: httpx.Client, shop: Shop, customer: Account
) -> None:
    product = shop.product(stock=3)
    order, _ = shop.paid_order(customer, (product["id"], 1))
    assert act(api, order["id"], "fulfill", shop.headers).status_code == 200
    cancelled = act(api, order["id"], "cancel", shop.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert shop.payments(order["id"])[0]["refunded_amount"] == "10.00"
    level = shop.inventory(product["id"])
    assert (level["on_hand"], level["reserved"]) == (2, 0)


def test_fulfil_decrements_stock_and_writes_the_ledger(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account
) -> None:
    first = shop.product(stock=10)
    second = shop.product(stock=4)
    order, _ = shop.paid_order(customer, (first["id"], 3), (second["id"], 4))
    assert shop.inventory(first["id"])["reserved"] == 3
    fulfilled = act(api, order["id"], "fulfill", staff.headers)
    assert fulfilled.status_code == 200, fulfilled.text
    for product, on_hand in ((first, 7), (second, 0)):
        level = shop.inventory(product["id"])
        assert (level["on_hand"], level["reserved"], level["available"]) == (on_hand, 0, on_hand)
        ledger = api.get(
            f"{API}/products/{product['id']}/inventory/adjustments", headers=staff.headers
        ).json()["data"]
        row = ledger[0]
        assert row["kind"] == "fulfillment"
        assert row["order_id"] == order["id"]
        assert row["actor_id"] == staff.id
        assert row["on_hand_after"] == on_hand
        assert row["delta"] == on_hand - (10 if product is first else 4)
        assert order["id"] in row["reason"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "carrier"),
        ({"carrier": "UPS"}, "tracking_number"),
        ({"tracking_number": "1Z"}, "carrier"),
        ({"carrier": "", "tracking_number": "1Z"}, "carrier"),
        ({"carrier": "UPS", "tracking_number": "   "}, "tracking_number"),
        ({"carrier": "UPS", "tracking_number": "x" * 101}, "tracking_number"),
        ({**SHIP, "eta": "tomorrow"}, "eta"),
    ],
)
def test_ship_needs_carrier_and_tracking(
    api: httpx.Client, shop: Shop, customer: Account, body: dict[str, Any], field: str
) -> None:
    order, _ = shop.paid_order(customer, (shop.product()["id"], 1))
    assert act(api, order["id"], "fulfill", shop.headers).status_code == 200
    assert_problem(act(api, order["id"], "ship", shop.headers, json=body), 422, field=field)
    assert shop.get_order(order["id"])["status"] == "fulfilled"


def test_ship_without_a_body_is_422(api: httpx.Client, shop: Shop, customer: Account) -> None:
    order, _ = shop.paid_order(customer, (shop.product()["id"], 1))
    assert act(api, order["id"], "fulfill", shop.headers).status_code == 200
    assert_problem(act(api, order["id"], "ship", shop.headers), 422)
    assert shop.get_order(order["id"])["status"] == "fulfilled"
