"""Real delivery: SMTP to a local aiosmtpd server, failures and retries, SMS over HTTP.

Each test runs a server of its own (its own database and settings), so its sender never
races the shared server's.
"""

from __future__ import annotations

import asyncio
import email
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from aiosmtpd.controller import Controller

from platform_server.core.database import Database
from platform_server.notifications import service
from platform_server.notifications.email import Email, SmtpEmail
from tests.conftest import Account, assert_problem, bearer
from tests.server.commerce.conftest import API, Shop
from tests.server.conftest import create_account
from tests.server.notifications.conftest import notifications, wait_for, wait_for_notification
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server, make_settings

SMS_URL = "https://sms.example.test/v1/messages"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def find(self, to: str, subject_part: str) -> EmailMessage | None:
        with self._lock:
            for rcpt_tos, message in self.messages:
                if to in rcpt_tos and subject_part in str(message["Subject"]):
                    return message
        return None

    def wait(self, to: str, subject_part: str) -> EmailMessage:
        return wait_for(lambda: self.find(to, subject_part), f"an email {subject_part!r} to {to}")


@contextmanager
def smtp_server(port: int, inbox: Inbox | None = None) -> Iterator[Inbox]:
    inbox = inbox or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def admin_of(live: LiveServer, api: httpx.Client) -> dict[str, str]:
    response = api.post(
        f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


def message_id(notification_id: str) -> str:
    """Stable per notification, so a resend can be recognised."""
    return f"<{uuid.UUID(notification_id).hex}.notification@platform.localhost>"


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def test_smtp_delivers_multipart_emails(tmp_path: Path) -> None:
    port = free_port()
    with (
        smtp_server(port) as inbox,
        isolated_server(
            tmp_path, email_backend="smtp", smtp_host="127.0.0.1", smtp_port=port
        ) as live,
        httpx.Client(base_url=live.url, timeout=30) as api,
    ):
        admin = admin_of(live, api)
        user = create_account(live.url, admin["Authorization"].split()[1], name="Ada <Lovelace>")

        welcome = inbox.wait(user.email, "Welcome")
        assert welcome["Subject"] == "Welcome to Platform Demo Store, Ada <Lovelace>"
        assert welcome["To"] == user.email
        assert "no-reply@platform.localhost" in welcome["From"]
        assert welcome.get_content_type() == "multipart/alternative"
        text, html = parts(welcome)
        assert "Hello Ada <Lovelace>" in text
        assert "Hello Ada &lt;Lovelace&gt;" in html and "<Lovelace>" not in html  # escaped
        row = wait_for_notification(api, admin, user_id=user.id, template="welcome")
        assert welcome["Message-ID"].strip() == message_id(row["id"])
        assert row["sent_at"] and row["attempts"] == 1

        shop = Shop(api, admin)
        product = shop.product(name="Desk Lamp", price="39.90", stock=3)
        order = shop.order(user, (product["id"], 2))
        received = inbox.wait(user.email, f"Order #{order['number']} received")
        assert received["Subject"] == f"Order #{order['number']} received"
        text, html = parts(received)
        assert f"Thank you for your order #{order['number']}." in text
        assert f"2 x Desk Lamp ({product['sku']})" in text and "Total: 79.80 USD" in text
        assert "Desk Lamp" in html and "79.80 USD" in html

        # admin alerts (the webhooks domain sends these) reach every active admin
        async def alert() -> None:
            db = Database(live.settings)
            try:
                async with db.transaction() as session:
                    await service.queue_for_admins(
                        session,
                        "webhook_disabled",
                        {
                            "url": "https://hooks.example.com/x",
                            "endpoint_id": "ep_1",
                            "reason": "410",
                        },
                    )
            finally:
                await db.dispose()

        asyncio.run(alert())
        disabled = inbox.wait(ADMIN_EMAIL, "Webhook endpoint disabled")
        text, _html = parts(disabled)
        assert "https://hooks.example.com/x" in text and "ep_1" in text
        row = wait_for_notification(api, admin, template="webhook_disabled")
        assert row["event_id"] is None and row["recipient"] == ADMIN_EMAIL


def test_smtp_failures_are_retried_then_failed_and_retried_by_hand(tmp_path: Path) -> None:
    port = free_port()  # nothing listens here (yet)
    with (
        isolated_server(
            tmp_path,
            email_backend="smtp",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_timeout_seconds=2,
            notification_retry_seconds=[0.2, 0.2],
        ) as live,
        httpx.Client(base_url=live.url, timeout=30) as api,
    ):
        admin = admin_of(live, api)
        user = create_account(live.url, admin["Authorization"].split()[1])
        failed = wait_for_notification(
            api, admin, user_id=user.id, template="welcome", status="failed"
        )
        assert failed["attempts"] == 3  # the first try and one per retry step
        assert failed["last_error"].startswith("SMTPConnectError: Error connecting to 127.0.0.1")
        assert failed["sent_at"] is None and failed["next_attempt_at"] is None
        # the customer sees the failure of their own email too, but may not retry it
        mine = notifications(api, bearer(user.access_token), status="failed")
        assert [n["id"] for n in mine] == [failed["id"]]
        denied = api.post(
            f"{API}/notifications/{failed['id']}/retry", headers=bearer(user.access_token)
        )
        assert_problem(denied, 403)

        with smtp_server(port) as inbox:
            retried = api.post(f"{API}/notifications/{failed['id']}/retry", headers=admin)
            assert retried.status_code == 200, retried.text
            assert retried.json()["status"] in ("queued", "sent")
            sent = wait_for_notification(api, admin, user_id=user.id, template="welcome")
            assert sent["id"] == failed["id"] and sent["attempts"] == 4
            assert sent["last_error"] is None
            message = inbox.wait(user.email, "Welcome")
            assert message["Message-ID"].strip() == message_id(sent["id"])
        again = api.post(f"{API}/notifications/{failed['id']}/retry", headers=admin)
        assert_problem(again, 409)
        trail = api.get(
            f"{API}/audit", params={"action": "notification.retry"}, headers=admin
        ).json()["data"]
        assert [(r["target_type"], r["target_id"]) for r in trail] == [
            ("notification", failed["id"])
        ]


class SlowToGreet(Inbox):
    """Answers EHLO only after a while, then takes the message like any server."""

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        await asyncio.sleep(1.5)
        session.host_name = hostname
        return responses


def test_an_smtp_send_past_its_deadline_is_abandoned(tmp_path: Path) -> None:
    """The sender records a send cut off by its deadline as failed and retries it later;
    the cut-off send must not go on and deliver a copy of its own meanwhile."""
    port = free_port()
    settings = make_settings(
        tmp_path,
        f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        email_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_timeout_seconds=5,
    )
    late = Email(id=uuid.uuid4(), to="late@example.com", subject="Late", text="hi", html=None)

    async def go() -> None:
        backend = SmtpEmail(settings)
        async with asyncio.timeout(0.5):
            await backend.send(late)

    with smtp_server(port, SlowToGreet()) as inbox:
        with pytest.raises(TimeoutError):
            asyncio.run(go())
        # Long after the server answered EHLO: an abandoned send has nobody to go on.
        threading.Event().wait(2.5)
        assert inbox.messages == []


def _sms_user(api: httpx.Client, live: LiveServer, admin: dict[str, str], phone: str) -> Account:
    user = create_account(live.url, admin["Authorization"].split()[1])
    saved = api.put(
        f"{API}/users/{user.id}/profile",
        json={"phone": phone, "sms_opt_in": True},
        headers=user.headers,
    )
    assert saved.status_code == 200, saved.text
    return user


def test_sms_over_http_to_opted_in_users(tmp_path: Path) -> None:
    received: list[dict[str, Any]] = []

    def provider(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        received.append({"body": body, "auth": request.headers.get("authorization")})
        if body["to"] == "+15550000400":
            return httpx.Response(400, json={"error": "invalid number"})
        return httpx.Response(202, json={"id": "msg_1"})

    with respx.mock(assert_all_called=False) as router:
        router.route(host="127.0.0.1").pass_through()
        sms_route = router.post(SMS_URL).mock(side_effect=provider)
        with (
            isolated_server(
                tmp_path,
                sms_backend="http",
                sms_http_url=SMS_URL,
                sms_http_key="sk_test_123",
                sms_from="Shop",
                notification_retry_seconds=[0.1],
            ) as live,
            httpx.Client(base_url=live.url, timeout=30) as api,
        ):
            admin = admin_of(live, api)
            shop = Shop(api, admin)
            product = shop.product(price="5.00", stock=10)
            texted = _sms_user(api, live, admin, "+15550001111")
            silent = create_account(live.url, admin["Authorization"].split()[1])
            api.put(  # a phone but no opt-in: email only
                f"{API}/users/{silent.id}/profile",
                json={"phone": "+15550002222"},
                headers=silent.headers,
            ).raise_for_status()
            refused = _sms_user(api, live, admin, "+15550000400")
            for buyer in (texted, silent, refused):
                shop.order(buyer, (product["id"], 3))

            sms = wait_for_notification(api, texted.headers, channel="sms")
            assert sms["recipient"] == "+15550001111" and sms["template"] == "order_created"
            assert sms["subject"] is None and "15.00 USD" in sms["body_text"]
            call = next(c for c in received if c["body"]["to"] == "+15550001111")
            assert call["auth"] == "Bearer sk_test_123"
            assert call["body"] == {"to": "+15550001111", "from": "Shop", "text": sms["body_text"]}
            # the email goes out as well
            wait_for_notification(api, texted.headers, channel="email", template="order_created")

            wait_for_notification(api, silent.headers, channel="email", template="order_created")
            assert notifications(api, silent.headers, channel="sms") == []

            failed = wait_for_notification(api, refused.headers, channel="sms", status="failed")
            assert failed["attempts"] == 2 and "HTTP 400" in failed["last_error"]
            assert sms_route.called
