"""``client.webhooks`` against the live server, sync and async.

Endpoints point at `.invalid` names (never resolvable): deliveries fail on DNS and are
retried later, and nothing leaves the machine.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from platform_sdk import (
    NULL,
    AsyncClient,
    Client,
    ConflictError,
    NotFoundError,
    UnprocessableEntityError,
    WebhookDelivery,
    WebhookDeliveryDetail,
    WebhookEndpoint,
    WebhookEndpointCreated,
    WebhookSecret,
    webhooks,
)


def quiet_url() -> str:
    return f"https://sdk-{uuid.uuid4().hex[:8]}.invalid/hooks"


def wait_for(check: Callable[[], Any], what: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_webhooks_sync(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (admin_email, admin_password) = live
    with Client(server_url) as admin:
        admin.auth.login(email=admin_email, password=admin_password)
        url = quiet_url()
        created = admin.webhooks.create(
            url=url,
            events=["order.created", "order.paid"],
            description="sdk test",
            idempotency_key=uuid.uuid4().hex,
        )
        assert isinstance(created, WebhookEndpointCreated)
        assert created.secret is not None and created.secret.startswith("whsec_")
        assert created.secret not in repr(created)
        assert (created.url, created.events, created.active) == (
            url,
            ["order.created", "order.paid"],
            True,
        )

        shown = admin.webhooks.get(created.id)
        assert isinstance(shown, WebhookEndpoint) and not isinstance(shown, WebhookEndpointCreated)
        assert "secret" not in shown.model_dump()
        assert created.id in [e.id for e in admin.webhooks.list(limit=100)]
        assert created.id in [e.id for e in admin.webhooks.list(active=True, limit=100)]

        changed = admin.webhooks.update(created.id, events=["*"], description=NULL)
        assert changed.events == ["*"] and changed.description is None

        rotated = admin.webhooks.rotate_secret(created.id)
        assert isinstance(rotated, WebhookSecret)
        assert rotated.id == created.id and rotated.secret != created.secret
        assert rotated.secret not in repr(rotated)
        assert rotated.previous_secret_expires_at is not None  # the server's 24 hours
        assert admin.webhooks.get(created.id).previous_secret_expires_at == (
            rotated.previous_secret_expires_at
        )
        at_once = admin.webhooks.rotate_secret(created.id, previous_secret_hours=0)
        assert at_once.previous_secret_expires_at is None
        with pytest.raises(UnprocessableEntityError) as refused:
            admin.webhooks.rotate_secret(created.id, previous_secret_hours=500)
        assert refused.value.errors[0]["loc"][-1] == "previous_secret_hours"

        ping = admin.webhooks.test(created.id)
        assert isinstance(ping, WebhookDelivery)
        assert ping.event_type == "ping" and ping.status == "pending"
        listed = admin.webhooks.deliveries.list(created.id, event_type="ping")
        assert [d.id for d in listed] == [ping.id]

        # The first attempt fails on DNS and waits for its retry.
        tried = wait_for(
            lambda: (d := admin.webhooks.deliveries.get(created.id, ping.id)).last_error and d,
            "the first attempt",
        )
        assert isinstance(tried, WebhookDeliveryDetail)
        assert tried.status == "pending" and tried.attempts >= 1
        assert tried.last_error.startswith("DNS")
        assert tried.payload["type"] == "ping" and tried.payload["webhook_id"] == str(created.id)
        again = admin.webhooks.deliveries.redeliver(created.id, ping.id)
        assert again.status == "pending" and again.id == ping.id

        with pytest.raises(UnprocessableEntityError):
            admin.webhooks.create(url="http://127.0.0.1/x", events=["*"])
        with pytest.raises(UnprocessableEntityError):
            admin.webhooks.create(url=quiet_url(), events=["order.vanished"])
        disabled = admin.webhooks.update(created.id, active=False)
        assert disabled.active is False
        with pytest.raises(ConflictError):
            admin.webhooks.test(created.id)

        assert admin.webhooks.delete(created.id) is None
        with pytest.raises(NotFoundError):
            admin.webhooks.get(created.id)
        with pytest.raises(NotFoundError):
            admin.webhooks.deliveries.list(created.id).data  # noqa: B018


@pytest.mark.anyio
async def test_webhooks_async(live: tuple[str, tuple[str, str]]) -> None:
    server_url, (admin_email, admin_password) = live
    async with AsyncClient(server_url) as admin:
        await admin.auth.login(email=admin_email, password=admin_password)
        created = await admin.webhooks.create(url=quiet_url(), events=["product.created"])
        assert created.secret
        assert (await admin.webhooks.get(created.id)).events == ["product.created"]
        page = await admin.webhooks.list(limit=100)
        assert created.id in [e.id async for e in page]
        updated = await admin.webhooks.update(created.id, url=quiet_url())
        assert updated.url != created.url
        rotated = await admin.webhooks.rotate_secret(created.id, previous_secret_hours=2)
        assert rotated.secret.startswith("whsec_") and rotated.previous_secret_expires_at
        ping = await admin.webhooks.test(created.id)
        got = await admin.webhooks.deliveries.get(created.id, ping.id)
        assert got.payload["type"] == "ping"
        deliveries = await admin.webhooks.deliveries.list(created.id, status="pending")
        assert isinstance(deliveries.data, list)
        raw = await admin.with_raw_response.webhooks.get(created.id)
        assert raw.status_code == 200 and raw.parse().id == created.id
        await admin.webhooks.delete(created.id)
        with pytest.raises(NotFoundError):
            await admin.webhooks.get(created.id)


def test_webhooks_module_is_not_shadowed() -> None:
    # `platform_sdk.webhooks` stays the verification module; the resource lives on clients.
    assert callable(webhooks.verify)
