"""Domain events: written with the change, published in order, listed and streamed."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import httpx

from tests.conftest import Account, assert_problem
from tests.server.commerce.conftest import Shop
from tests.server.events.helpers import API, events_of, published


def test_an_order_produces_order_created_with_actor_data_and_request_id(
    api: httpx.Client, shop: Shop, customer: Account, admin_headers: dict[str, str]
) -> None:
    product = shop.product(price="12.50")
    response = shop.place(customer, (product["id"], 2))
    assert response.status_code == 201
    order = response.json()

    event = published(api, admin_headers, order["id"], "order.created")
    assert event["actor"] == {"id": customer.id, "email": customer.email}
    assert event["request_id"] == response.headers["x-request-id"]
    assert event["resource_type"] == "order"
    assert event["data"]["id"] == order["id"]
    assert event["data"]["total"] == "25.00"
    assert event["data"]["items"][0]["quantity"] == 2

    one = api.get(f"{API}/events/{event['id']}", headers=admin_headers)
    assert one.status_code == 200
    assert one.json()["id"] == event["id"]


def test_status_changes_become_events_in_order(
    api: httpx.Client, shop: Shop, customer: Account, admin_headers: dict[str, str]
) -> None:
    product = shop.product()
    order = shop.order(customer, (product["id"], 1))
    assert shop.pay(customer, order["id"]).status_code == 201
    for step in ("fulfill", "deliver"):
        if step == "deliver":
            shipped = api.post(
                f"{API}/orders/{order['id']}/ship",
                json={"carrier": "UPS", "tracking_number": "1Z999"},
                headers=admin_headers,
            )
            assert shipped.status_code == 200
        assert api.post(f"{API}/orders/{order['id']}/{step}", headers=admin_headers).is_success
    published(api, admin_headers, order["id"], "order.delivered")
    events = sorted(events_of(api, admin_headers, order["id"]), key=lambda e: e["position"])
    assert [e["type"] for e in events] == [
        "order.created",
        "order.paid",
        "order.fulfilled",
        "order.shipped",
        "order.delivered",
    ]
    shipped_event = events[3]
    assert shipped_event["data"]["carrier"] == "UPS"
    assert shipped_event["data"]["status"] == "shipped"


def test_a_declined_payment_is_a_payment_failed_event(
    api: httpx.Client, shop: Shop, customer: Account, admin_headers: dict[str, str]
) -> None:
    order = shop.order(customer, (shop.product()["id"], 1))
    declined = shop.pay(customer, order["id"], token="pm_card_declined")
    assert declined.status_code == 402
    payment_id = declined.json()["payment"]["id"]
    event = published(api, admin_headers, payment_id, "payment.failed")
    assert event["data"]["failure_code"]


def test_a_failed_request_leaves_no_event(
    api: httpx.Client, shop: Shop, customer: Account, admin_headers: dict[str, str]
) -> None:
    product = shop.product(stock=1)
    short = shop.place(customer, (product["id"], 5))
    assert short.status_code == 409
    assert events_of(api, admin_headers, product["id"], "order.created") == []
    request_id = short.headers["x-request-id"]
    recent = api.get(f"{API}/events", params={"limit": 100}, headers=admin_headers).json()
    assert all(e["request_id"] != request_id for e in recent["data"])


def test_low_stock_fires_once_when_availability_crosses_the_threshold(
    api: httpx.Client, shop: Shop, customer: Account, admin_headers: dict[str, str]
) -> None:
    product = shop.product(stock=5, low_stock_threshold=2)
    shop.order(customer, (product["id"], 2))  # 3 left: above the threshold
    shop.order(customer, (product["id"], 1))  # 2 left: crosses
    shop.order(customer, (product["id"], 1))  # 1 left: already below
    event = published(api, admin_headers, product["id"], "inventory.low_stock")
    assert event["data"]["available"] == 2
    assert len(events_of(api, admin_headers, product["id"], "inventory.low_stock")) == 1


def test_products_and_users_have_events(
    api: httpx.Client, shop: Shop, admin_headers: dict[str, str], make_user: Any
) -> None:
    product = shop.product()
    patched = api.patch(
        f"{API}/products/{product['id']}", json={"name": "Renamed"}, headers=admin_headers
    )
    assert patched.status_code == 200
    updated = published(api, admin_headers, product["id"], "product.updated")
    assert updated["data"]["name"] == "Renamed"
    published(api, admin_headers, product["id"], "product.created")

    user = make_user()
    created = published(api, admin_headers, user.id, "user.created")
    assert created["data"]["email"] == user.email
    assert "password" not in json.dumps(created["data"])


def test_filters_and_bad_input(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    listed = api.get(
        f"{API}/events",
        params={"type": ["order.created", "user.created"], "limit": 5},
        headers=admin_headers,
    )
    assert listed.status_code == 200
    assert all(e["type"] in {"order.created", "user.created"} for e in listed.json()["data"])

    assert_problem(
        api.get(f"{API}/events", params={"created_after": "yesterday"}, headers=admin_headers),
        422,
        field="created_after",
    )
    assert_problem(api.get(f"{API}/events", params={"limit": 0}, headers=admin_headers), 422)
    assert_problem(api.get(f"{API}/events/{uuid.uuid4()}", headers=admin_headers), 404)
    assert_problem(api.get(f"{API}/events/not-a-uuid", headers=admin_headers), 422)


def test_customers_cannot_read_events(api: httpx.Client, customer: Account) -> None:
    assert_problem(api.get(f"{API}/events", headers=customer.headers), 403)
    assert_problem(api.get(f"{API}/events/stream", headers=customer.headers), 403)
    assert_problem(api.get(f"{API}/events"), 401)


def _read_stream(
    url: str,
    headers: dict[str, str],
    wanted: int,
    into: list[dict[str, Any]],
    connected: threading.Event | None = None,
) -> None:
    with (
        httpx.Client(timeout=httpx.Timeout(10, read=20)) as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        block: dict[str, str] = {}
        for line in response.iter_lines():
            if line.startswith(": connected") and connected is not None:
                connected.set()
            if line.startswith(("id:", "event:", "data:")):
                name, _, value = line.partition(":")
                block[name] = value.strip()
            elif not line and "data" in block:
                event = json.loads(block["data"])
                into.append({"sse_id": block["id"], "sse_event": block["event"], **event})
                block = {}
                if len(into) >= wanted:
                    return


def test_stream_delivers_new_events_live_and_resumes_after_last_event_id(
    server_url: str, shop: Shop, customer: Account, admin_headers: dict[str, str]
) -> None:
    url = f"{server_url}{API}/events/stream?type=order.created"
    received: list[dict[str, Any]] = []
    connected = threading.Event()
    reader = threading.Thread(
        target=_read_stream, args=(url, admin_headers, 2, received, connected)
    )
    reader.start()
    assert connected.wait(10), "the stream did not open"
    product = shop.product()  # product.created is filtered out by the type
    first = shop.order(customer, (product["id"], 1))
    second = shop.order(customer, (product["id"], 1))
    reader.join(timeout=20)
    assert not reader.is_alive()
    assert [e["data"]["id"] for e in received] == [first["id"], second["id"]]
    assert [e["sse_event"] for e in received] == ["order.created", "order.created"]
    assert received[0]["sse_id"] == received[0]["id"]
    assert received[1]["position"] > received[0]["position"]

    # Resuming after the first event replays from there: the second comes again.
    resumed: list[dict[str, Any]] = []
    _read_stream(url, {**admin_headers, "Last-Event-ID": received[0]["id"]}, 1, resumed)
    assert resumed[0]["id"] == received[1]["id"]


def test_many_streams_each_get_their_own_types_from_the_shared_tail(
    server_url: str, shop: Shop, customer: Account, admin_headers: dict[str, str]
) -> None:
    # Every stream of a process reads through one tail (events/tail.py): each still gets
    # exactly the types it asked for, in order, once.
    kinds = ["order.created", "product.created"] * 6
    received: list[list[dict[str, Any]]] = [[] for _ in kinds]
    connected = [threading.Event() for _ in kinds]
    readers = [
        threading.Thread(
            target=_read_stream,
            args=(f"{server_url}{API}/events/stream?type={kind}", admin_headers, 2, got, ready),
        )
        for kind, got, ready in zip(kinds, received, connected, strict=True)
    ]
    for reader in readers:
        reader.start()
    assert all(ready.wait(20) for ready in connected), "a stream did not open"
    product = shop.product()
    first = shop.order(customer, (product["id"], 1))
    other = shop.product()
    second = shop.order(customer, (other["id"], 1))
    for reader in readers:
        reader.join(timeout=30)
        assert not reader.is_alive()
    for kind, got in zip(kinds, received, strict=True):
        assert [e["sse_event"] for e in got] == [kind, kind]
        ids = [e["data"]["id"] for e in got]
        made = [first, second] if kind == "order.created" else [product, other]
        assert ids == [m["id"] for m in made]


def test_stream_refuses_an_unknown_last_event_id(
    api: httpx.Client, admin_headers: dict[str, str]
) -> None:
    headers = {**admin_headers, "Last-Event-ID": str(uuid.uuid4())}
    assert_problem(api.get(f"{API}/events/stream", headers=headers), 422)
    headers = {**admin_headers, "Last-Event-ID": "nonsense"}
    assert_problem(api.get(f"{API}/events/stream", headers=headers), 422)
