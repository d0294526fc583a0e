"""Deliveries end to end: a server of its own (loopback targets allowed, quick retries)
sends to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from platform_sdk import webhooks
from tests.conftest import Account, assert_problem, sign_in
from tests.server.commerce.conftest import Shop
from tests.server.conftest import login_ok, unique_email
from tests.server.webhooks.receiver import Receiver, running_receiver
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server

API = "/api/v1"
RETRIES = [0.2, 0.2, 0.2]


@pytest.fixture(scope="module")
def hook_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with isolated_server(
        tmp_path_factory.mktemp("webhooks"),
        webhooks_allow_private=True,
        webhook_retry_seconds=RETRIES,
        # 0.36 s: an endpoint failing through the whole (0.6 s) schedule gets disabled.
        webhook_disable_after_hours=0.0001,
    ) as live:
        yield live


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def hapi(hook_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hook_server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def hook_admin(hook_server: LiveServer) -> Account:
    return sign_in(hook_server.url, ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.fixture
def admin(hook_admin: Account) -> dict[str, str]:
    return hook_admin.headers  # renewed when the module outlives the access token


def wait_for(check: Callable[[], Any], what: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def path() -> str:
    return f"/hook-{uuid.uuid4().hex[:10]}"


def create_endpoint(
    api: httpx.Client, admin: dict[str, str], url: str, events: list[str] | None = None
) -> dict[str, Any]:
    response = api.post(
        f"{API}/webhooks", json={"url": url, "events": events or ["order.created"]}, headers=admin
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def deliveries(api: httpx.Client, admin: dict[str, str], endpoint_id: str) -> list[dict[str, Any]]:
    response = api.get(
        f"{API}/webhooks/{endpoint_id}/deliveries", params={"limit": 100}, headers=admin
    )
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def delivery(
    api: httpx.Client, admin: dict[str, str], endpoint_id: str, delivery_id: str
) -> dict[str, Any]:
    response = api.get(f"{API}/webhooks/{endpoint_id}/deliveries/{delivery_id}", headers=admin)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def settled(
    api: httpx.Client, admin: dict[str, str], endpoint_id: str, delivery_id: str, status: str
) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        found = delivery(api, admin, endpoint_id, delivery_id)
        return found if found["status"] == status else None

    result: dict[str, Any] = wait_for(check, f"delivery {delivery_id} to be {status}")
    return result


def ping(api: httpx.Client, admin: dict[str, str], endpoint_id: str) -> dict[str, Any]:
    response = api.post(f"{API}/webhooks/{endpoint_id}/test", headers=admin)
    assert response.status_code == 202, response.text
    data: dict[str, Any] = response.json()
    return data


def register(api: httpx.Client, admin: dict[str, str]) -> httpx.Response:
    body = {"email": unique_email(), "password": "tidal-lantern-42", "name": "Registered User"}
    return api.post(f"{API}/users", json=body, headers=admin)


def customer_of(api: httpx.Client, admin: dict[str, str]) -> Account:
    # Made by the admin: verified, so it may order.
    created = register(api, admin)
    assert created.status_code == 201, created.text
    email = created.json()["email"]
    tokens = login_ok(api, email, "tidal-lantern-42")
    return Account(
        id=created.json()["id"],
        email=email,
        password="tidal-lantern-42",
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        data=created.json(),
    )


def test_an_order_is_delivered_signed_and_verifiable(
    hapi: httpx.Client, admin: dict[str, str], receiver: Receiver
) -> None:
    hook = path()
    endpoint = create_endpoint(hapi, admin, receiver.url(hook), ["order.created"])
    other = create_endpoint(hapi, admin, receiver.url(path()), ["product.deleted"])
    shop = Shop(hapi, admin)
    product = shop.product(price="7.50")
    order = shop.order(customer_of(hapi, admin), (product["id"], 2))

    [got] = receiver.wait_for(
        hook, where=lambda r: json.loads(r.body)["data"].get("id") == order["id"]
    )
    event = webhooks.verify(got.body, got.headers, endpoint["secret"])
    assert event["type"] == "order.created"
    assert event["resource_type"] == "order" and event["resource_id"] == order["id"]
    assert event["data"]["total"] == "15.00"
    assert got.method == "POST"
    assert got.headers["webhook-id"] == event["id"]
    assert got.headers["platform-event"] == "order.created"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"].startswith("Platform-Webhooks/")
    assert got.headers["webhook-signature"].startswith("v1,")
    with pytest.raises(webhooks.WebhookVerificationError):
        webhooks.verify(got.body, got.headers, other["secret"])

    found = wait_for(
        lambda: [d for d in deliveries(hapi, admin, endpoint["id"]) if d["status"] == "succeeded"],
        "the delivery to be recorded as succeeded",
    )
    [done] = [d for d in found if d["event_id"] == event["id"]]
    assert done["event_type"] == "order.created"
    assert done["message_id"] == event["id"]
    assert done["attempts"] == 1 and done["response_code"] == 200
    assert done["delivered_at"] and done["duration_ms"] is not None
    assert done["last_error"] is None and done["next_attempt_at"] is None
    assert "payload" not in done
    detail = delivery(hapi, admin, endpoint["id"], done["id"])
    assert detail["payload"] == json.loads(got.body)

    # The other endpoint wants other event types: nothing for it.
    assert all(d["event_type"] != "order.created" for d in deliveries(hapi, admin, other["id"]))
    filtered = hapi.get(
        f"{API}/webhooks/{endpoint['id']}/deliveries", params={"status": "failed"}, headers=admin
    )
    assert filtered.status_code == 200 and filtered.json()["data"] == []


def test_ping_is_signed_and_redeliver_sends_it_again(
    hapi: httpx.Client, admin: dict[str, str], receiver: Receiver
) -> None:
    hook = path()
    endpoint = create_endpoint(hapi, admin, receiver.url(hook))
    queued = ping(hapi, admin, endpoint["id"])
    assert queued["event_type"] == "ping" and queued["event_id"] is None
    assert queued["message_id"].startswith("ping_")

    [got] = receiver.wait_for(hook)
    body = webhooks.verify(got.body, got.headers, endpoint["secret"])
    assert body["type"] == "ping" and body["webhook_id"] == endpoint["id"]
    assert body["created_at"]
    assert got.headers["webhook-id"] == queued["message_id"]
    assert got.headers["platform-event"] == "ping"
    first = settled(hapi, admin, endpoint["id"], queued["id"], "succeeded")
    assert first["attempts"] == 1

    again = hapi.post(
        f"{API}/webhooks/{endpoint['id']}/deliveries/{queued['id']}/redeliver", headers=admin
    )
    assert again.status_code == 202, again.text
    assert again.json()["status"] == "pending"
    second, third = receiver.wait_for(hook, count=2)[:2]
    assert third.headers["webhook-id"] == second.headers["webhook-id"] == queued["message_id"]
    assert third.body == got.body
    wait_for(
        lambda: (
            delivery(hapi, admin, endpoint["id"], queued["id"])["attempts"] == 2
            and delivery(hapi, admin, endpoint["id"], queued["id"])["status"] == "succeeded"
        ),
        "the redelivery to succeed",
    )

    unknown = hapi.post(
        f"{API}/webhooks/{endpoint['id']}/deliveries/{uuid.uuid4()}/redeliver", headers=admin
    )
    assert_problem(unknown, 404)
    assert_problem(
        hapi.get(f"{API}/webhooks/{uuid.uuid4()}/deliveries/{queued['id']}", headers=admin), 404
    )


def test_rotated_secret_signs_the_next_delivery(
    hapi: httpx.Client, admin: dict[str, str], receiver: Receiver
) -> None:
    hook = path()
    endpoint = create_endpoint(hapi, admin, receiver.url(hook))
    rotated = hapi.post(
        f"{API}/webhooks/{endpoint['id']}/rotate-secret",
        json={"previous_secret_hours": 0},
        headers=admin,
    )
    assert rotated.status_code == 200, rotated.text
    secret = rotated.json()["secret"]
    assert secret != endpoint["secret"] and rotated.json()["previous_secret_expires_at"] is None
    ping(hapi, admin, endpoint["id"])
    [got] = receiver.wait_for(hook)
    assert webhooks.verify(got.body, got.headers, secret)["type"] == "ping"
    assert " " not in got.headers["webhook-signature"]
    with pytest.raises(webhooks.WebhookVerificationError):
        webhooks.verify(got.body, got.headers, endpoint["secret"])


def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(
    hapi: httpx.Client, admin: dict[str, str], receiver: Receiver
) -> None:
    hook = path()
    endpoint = create_endpoint(hapi, admin, receiver.url(hook))
    # No body: the default overlap of 24 hours.
    rotated = hapi.post(f"{API}/webhooks/{endpoint['id']}/rotate-secret", headers=admin)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    until = datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    assert timedelta(hours=23, minutes=59) < until - datetime.now(UTC) <= timedelta(hours=24)
    shown = hapi.get(f"{API}/webhooks/{endpoint['id']}", headers=admin).json()
    assert shown["previous_secret_expires_at"] == rotated.json()["previous_secret_expires_at"]

    ping(hapi, admin, endpoint["id"])
    [got] = receiver.wait_for(hook)
    # Receivers on the old secret and on the new one both accept the same delivery.
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert webhooks.verify(got.body, got.headers, new_secret)["type"] == "ping"
    assert webhooks.verify(got.body, got.headers, endpoint["secret"])["type"] == "ping"

    # A second rotation retires the oldest secret: only the last two ever sign.
    again = hapi.post(
        f"{API}/webhooks/{endpoint['id']}/rotate-secret",
        json={"previous_secret_hours": 1},
        headers=admin,
    ).json()
    ping(hapi, admin, endpoint["id"])
    got = receiver.wait_for(hook, count=2)[-1]
    assert webhooks.verify(got.body, got.headers, again["secret"])
    assert webhooks.verify(got.body, got.headers, new_secret)
    with pytest.raises(webhooks.WebhookVerificationError):
        webhooks.verify(got.body, got.headers, endpoint["secret"])


def test_server_errors_are_retried_then_failed_and_the_endpoint_disabled(
    hapi: httpx.Client, admin: dict[str, str], receiver: Receiver
) -> None:
    hook = path()
    receiver.statuses[hook] = 500
    endpoint = create_endpoint(hapi, admin, receiver.url(hook))
    queued = ping(hapi, admin, endpoint["id"])

    failed = settled(hapi, admin, endpoint["id"], queued["id"], "failed")
    assert failed["attempts"] == len(RETRIES) + 1
    assert failed["response_code"] == 500
    assert failed["last_error"].startswith("HTTP 500: answer 500")
    assert failed["next_attempt_at"] is None and failed["delivered_at"] is None
    attempts = receiver.at(hook)
    assert len(attempts) == len(RETRIES) + 1
    assert {a.headers["webhook-id"] for a in attempts} == {queued["message_id"]}
    for attempt in attempts:  # each attempt is signed afresh
        webhooks.verify(attempt.body, attempt.headers, endpoint["secret"])

    # Every delivery failed for longer than webhook_disable_after_hours: disabled.
    state = hapi.get(f"{API}/webhooks/{endpoint['id']}", headers=admin).json()
    assert state["active"] is False
    assert "failed" in state["disabled_reason"] and "HTTP 500" in state["disabled_reason"]
    assert state["failing_since"] is not None

    def alert() -> list[dict[str, Any]]:
        response = hapi.get(
            f"{API}/notifications",
            params={"template": "webhook_disabled", "limit": 100},
            headers=admin,
        )
        assert response.status_code == 200, response.text
        return [n for n in response.json()["data"] if endpoint["id"] in n["body_text"]]

    [mail] = wait_for(alert, "the webhook_disabled notification")
    assert mail["channel"] == "email" and mail["recipient"] == ADMIN_EMAIL.lower()
    assert receiver.url(hook) in mail["body_text"]

    # Disabled: no pings, no redeliveries, no new event deliveries.
    assert_problem(hapi.post(f"{API}/webhooks/{endpoint['id']}/test", headers=admin), 409)
    assert_problem(
        hapi.post(
            f"{API}/webhooks/{endpoint['id']}/deliveries/{queued['id']}/redeliver", headers=admin
        ),
        409,
    )

    # Fixed and enabled again: failures are forgotten, a redelivery succeeds.
    receiver.statuses[hook] = 204
    enabled = hapi.patch(f"{API}/webhooks/{endpoint['id']}", json={"active": True}, headers=admin)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["active"] is True
    assert enabled.json()["disabled_reason"] is None and enabled.json()["failing_since"] is None
    again = hapi.post(
        f"{API}/webhooks/{endpoint['id']}/deliveries/{queued['id']}/redeliver", headers=admin
    )
    assert again.status_code == 202, again.text
    done = settled(hapi, admin, endpoint["id"], queued["id"], "succeeded")
    assert done["response_code"] == 204 and done["attempts"] == len(RETRIES) + 2


def test_a_redirect_is_not_followed(
    hapi: httpx.Client, admin: dict[str, str], receiver: Receiver
) -> None:
    hook, elsewhere = path(), path()
    receiver.redirects[hook] = receiver.url(elsewhere)
    endpoint = create_endpoint(hapi, admin, receiver.url(hook))
    queued = ping(hapi, admin, endpoint["id"])
    failed = settled(hapi, admin, endpoint["id"], queued["id"], "failed")
    assert failed["response_code"] == 302
    assert "HTTP 302" in failed["last_error"] and "redirect" in failed["last_error"]
    assert len(receiver.at(hook)) == len(RETRIES) + 1
    assert receiver.at(elsewhere) == []


def test_a_client_error_fails_at_once(
    hapi: httpx.Client, admin: dict[str, str], receiver: Receiver
) -> None:
    hook = path()
    receiver.statuses[hook] = 410
    endpoint = create_endpoint(hapi, admin, receiver.url(hook))
    queued = ping(hapi, admin, endpoint["id"])
    failed = settled(hapi, admin, endpoint["id"], queued["id"], "failed")
    assert failed["attempts"] == 1 and failed["response_code"] == 410
    assert len(receiver.at(hook)) == 1
    state = hapi.get(f"{API}/webhooks/{endpoint['id']}", headers=admin).json()
    assert state["failing_since"] is not None

    # Any success clears failing_since.
    receiver.statuses[hook] = 200
    ok = ping(hapi, admin, endpoint["id"])
    settled(hapi, admin, endpoint["id"], ok["id"], "succeeded")
    assert (
        hapi.get(f"{API}/webhooks/{endpoint['id']}", headers=admin).json()["failing_since"] is None
    )


def test_rate_limited_answers_are_retried(
    hapi: httpx.Client, admin: dict[str, str], receiver: Receiver
) -> None:
    hook = path()
    receiver.statuses[hook] = 429
    endpoint = create_endpoint(hapi, admin, receiver.url(hook))
    queued = ping(hapi, admin, endpoint["id"])
    receiver.wait_for(hook, count=2)
    receiver.statuses[hook] = 200
    done = settled(hapi, admin, endpoint["id"], queued["id"], "succeeded")
    assert done["attempts"] >= 2


def test_link_local_and_metadata_are_refused_even_when_private_targets_are_allowed(
    hapi: httpx.Client, admin: dict[str, str]
) -> None:
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.10.1/",
        "http://[fe80::1]/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://100.100.100.200/",
    ):
        response = hapi.post(f"{API}/webhooks", json={"url": url, "events": ["*"]}, headers=admin)
        assert_problem(response, 422, field="url")
    # Loopback is fine here (webhooks_allow_private).
    allowed = hapi.post(
        f"{API}/webhooks",
        json={"url": "http://127.0.0.1:9/unused", "events": ["*"], "active": False},
        headers=admin,
    )
    assert allowed.status_code == 201, allowed.text
