"""Notifications on the shared server (console email backend): queued from events, sent,
listed, visible only to their owner, retried by staff."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import func, select

from platform_server.core.database import Database
from platform_server.events.schemas import EventOut
from platform_server.notifications.models import Notification
from platform_server.notifications.subscriber import plan_notifications
from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import API, Shop
from tests.server.notifications.conftest import notifications, wait_for, wait_for_notification
from tests.servers import LiveServer

FIELDS = {
    "id",
    "channel",
    "recipient",
    "template",
    "subject",
    "body_text",
    "status",
    "attempts",
    "last_error",
    "event_id",
    "user_id",
    "created_at",
    "updated_at",
    "sent_at",
    "next_attempt_at",
}


def test_registration_sends_a_welcome_email(
    api: httpx.Client, make_user: Callable[..., Account], admin_headers: dict[str, str]
) -> None:
    user = make_user(name="Grace Hopper")
    welcome = wait_for_notification(api, user.headers, template="welcome")
    assert set(welcome) == FIELDS  # no body_html in the API
    assert welcome["channel"] == "email" and welcome["recipient"] == user.email
    assert welcome["user_id"] == user.id and welcome["event_id"]
    assert welcome["subject"] == "Welcome to Platform Demo Store, Grace Hopper"
    assert "Hello Grace Hopper" in welcome["body_text"] and user.email in welcome["body_text"]
    assert "place orders" in welcome["body_text"]  # made by an admin: verified
    assert welcome["attempts"] == 1 and welcome["last_error"] is None
    assert welcome["sent_at"] and welcome["next_attempt_at"] is None
    # staff see it too, filtered by user, and one by id
    by_staff = notifications(api, admin_headers, user_id=user.id)
    assert [n["id"] for n in by_staff] == [welcome["id"]]
    one = api.get(f"{API}/notifications/{welcome['id']}", headers=user.headers)
    assert one.status_code == 200 and one.json() == welcome


def test_order_lifecycle_notifications(
    api: httpx.Client, shop: Shop, customer: Account, staff: Account
) -> None:
    product = shop.product(name="Blue Mug", price="12.50", stock=5)
    order = shop.order(customer, (product["id"], 2))
    created = wait_for_notification(api, customer.headers, template="order_created")
    assert created["recipient"] == customer.email and created["user_id"] == customer.id
    assert created["subject"] == f"Order #{order['number']} received"
    assert f"2 x Blue Mug ({product['sku']})" in created["body_text"]
    assert "Total: 25.00 USD" in created["body_text"]

    payment = shop.pay(customer, order["id"])
    assert payment.status_code == 201, payment.text
    paid = wait_for_notification(api, customer.headers, template="order_paid")
    assert "25.00 USD" in paid["body_text"]

    assert api.post(f"{API}/orders/{order['id']}/fulfill", headers=staff.headers).is_success
    shipped = api.post(
        f"{API}/orders/{order['id']}/ship",
        json={"carrier": "DHL", "tracking_number": "JD0123456789"},
        headers=staff.headers,
    )
    assert shipped.status_code == 200, shipped.text
    sent = wait_for_notification(api, customer.headers, template="order_shipped")
    assert "Carrier: DHL" in sent["body_text"] and "JD0123456789" in sent["body_text"]

    refund = api.post(
        f"{API}/payments/{payment.json()['id']}/refunds", json={}, headers=staff.headers
    )
    assert refund.status_code == 201, refund.text
    refunded = wait_for_notification(api, customer.headers, template="order_refunded")
    assert refunded["recipient"] == customer.email and "25.00 USD" in refunded["body_text"]
    # no SMS: the customer has no phone and did not opt in
    assert notifications(api, customer.headers, channel="sms") == []


def test_customers_see_only_their_own(
    api: httpx.Client, make_user: Callable[..., Account], admin_headers: dict[str, str]
) -> None:
    alice, bob = make_user(), make_user()
    mine = wait_for_notification(api, alice.headers, template="welcome")
    theirs = wait_for_notification(api, bob.headers, template="welcome")
    assert {n["user_id"] for n in notifications(api, alice.headers)} == {alice.id}
    # a customer's user_id filter does not widen what they see
    assert {n["user_id"] for n in notifications(api, alice.headers, user_id=bob.id)} == {alice.id}
    assert_problem(api.get(f"{API}/notifications/{theirs['id']}", headers=alice.headers), 404)
    assert api.get(f"{API}/notifications/{mine['id']}", headers=alice.headers).status_code == 200
    # staff see both
    everyone = notifications(api, admin_headers, template="welcome", status="sent")
    assert {mine["id"], theirs["id"]} <= {n["id"] for n in everyone}


def test_pagination_and_filters(api: httpx.Client, shop: Shop, customer: Account) -> None:
    product = shop.product(stock=10)
    for _ in range(3):
        shop.order(customer, (product["id"], 1))
    wait_for(
        lambda: len(notifications(api, customer.headers, template="order_created")) == 3,
        "three order_created notifications",
    )
    first = api.get(f"{API}/notifications", params={"limit": 2}, headers=customer.headers).json()
    assert len(first["data"]) == 2 and first["next_cursor"]
    rest = api.get(
        f"{API}/notifications",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=customer.headers,
    ).json()
    ids = [n["id"] for n in first["data"] + rest["data"]]
    assert len(ids) == len(set(ids)) == 4  # three orders and the welcome
    assert [n["template"] for n in rest["data"]][-1] == "welcome"  # newest first
    assert notifications(api, customer.headers, channel="email", template="nope") == []


def test_retry_of_a_sent_notification_is_a_conflict(
    api: httpx.Client, customer: Account, staff: Account
) -> None:
    welcome = wait_for_notification(api, customer.headers, template="welcome")
    response = api.post(f"{API}/notifications/{welcome['id']}/retry", headers=staff.headers)
    body = assert_problem(response, 409)
    assert body["current_status"] == "sent"


def test_bad_requests(api: httpx.Client, customer: Account, staff: Account) -> None:
    listed = api.get(f"{API}/notifications", params={"status": "bogus"}, headers=staff.headers)
    assert_problem(listed, 422, field="status")
    fax = api.get(f"{API}/notifications", params={"channel": "fax"}, headers=customer.headers)
    assert_problem(fax, 422, field="channel")
    cursor = api.get(f"{API}/notifications", params={"cursor": "x!"}, headers=staff.headers)
    assert_problem(cursor, 422, field="cursor")
    unknown = uuid.uuid4()
    assert_problem(api.get(f"{API}/notifications/{unknown}", headers=staff.headers), 404)
    assert_problem(api.post(f"{API}/notifications/{unknown}/retry", headers=staff.headers), 404)
    assert_problem(api.get(f"{API}/notifications/not-an-id", headers=staff.headers), 422)
    assert_problem(api.get(f"{API}/notifications"), 401)
    welcome = wait_for_notification(api, customer.headers, template="welcome")
    forbidden = api.post(f"{API}/notifications/{welcome['id']}/retry", headers=customer.headers)
    assert_problem(forbidden, 403)


def test_an_event_handed_over_twice_queues_nothing_new(
    api: httpx.Client, server: LiveServer, customer: Account, admin_headers: dict[str, str]
) -> None:
    wait_for_notification(api, customer.headers, template="welcome")
    found = api.get(
        f"{API}/events",
        params={"type": "user.created", "resource_id": customer.id},
        headers=admin_headers,
    )
    assert found.status_code == 200, found.text
    [event] = [EventOut.model_validate(e) for e in found.json()["data"]]

    async def replay() -> int:
        db = Database(server.settings)
        try:
            for _ in range(2):
                async with db.transaction() as session:
                    await plan_notifications(session, [event, event])
            async with db.transaction(write=False) as session:
                count = await session.scalar(
                    select(func.count())
                    .select_from(Notification)
                    .where(Notification.event_id == event.id)
                )
            return int(count or 0)
        finally:
            await db.dispose()

    assert asyncio.run(replay()) == 1
    assert len(notifications(api, customer.headers, template="welcome")) == 1


def test_sms_opt_in_on_the_profile(api: httpx.Client, customer: Account) -> None:
    path = f"{API}/users/{customer.id}/profile"
    assert api.get(path, headers=customer.headers).json()["sms_opt_in"] is False
    body: dict[str, Any] = {"phone": "+47 400 00 000", "sms_opt_in": True}
    saved = api.put(path, json=body, headers=customer.headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["sms_opt_in"] is True and saved.json()["phone"] == "+47 400 00 000"
    # PUT replaces the profile: left out, the opt-in is off again
    again = api.put(path, json={"phone": "+47 400 00 000"}, headers=customer.headers)
    assert again.json()["sms_opt_in"] is False
    bad = api.put(path, json={"sms_opt_in": "maybe"}, headers=customer.headers)
    assert_problem(bad, 422, field="sms_opt_in")
