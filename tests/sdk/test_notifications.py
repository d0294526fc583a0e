"""``client.notifications`` against the live server, sync and async.

Uses the ``live`` fixture of ``tests/sdk/conftest.py`` (skipped without the live server);
the retry of a failed email runs a server of its own whose SMTP server is unreachable.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from platform_sdk import (
    AsyncClient,
    Client,
    ConflictError,
    NotFoundError,
    Notification,
    PermissionDeniedError,
    UnprocessableEntityError,
)

Live = tuple[str, tuple[str, str]]
T = TypeVar("T")
PASSWORD = "correct-horse-42"


def unique_email() -> str:
    return f"sdk-notify-{uuid.uuid4().hex[:12]}@example.com"


def wait_for(probe: Callable[[], T | None], what: str, seconds: float = 10.0) -> T:
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def sent_welcome(client: Client) -> Notification | None:
    page = client.notifications.list(template="welcome", status="sent")
    return page.data[0] if page.data else None


def test_notifications_sync(live: Live) -> None:
    server_url, (admin_email, admin_password) = live
    email = unique_email()
    with Client(server_url) as admin, Client(server_url) as member:
        admin.auth.login(email=admin_email, password=admin_password)
        user = admin.users.create(email=email, password=PASSWORD, name="Sdk Notify")
        member.auth.login(email=email, password=PASSWORD)

        welcome = wait_for(lambda: sent_welcome(member), "the welcome email")
        assert isinstance(welcome, Notification) and welcome.request_id
        assert (welcome.channel, welcome.recipient, welcome.user_id) == ("email", email, user.id)
        assert welcome.subject and "Sdk Notify" in welcome.subject
        assert welcome.sent_at is not None and welcome.attempts == 1
        assert member.notifications.get(welcome.id).model_dump() == welcome.model_dump()
        assert [n.id for n in admin.notifications.list(user_id=user.id)] == [welcome.id]
        assert list(member.notifications.list(channel="sms")) == []

        with pytest.raises(ConflictError):
            admin.notifications.retry(welcome.id)
        with pytest.raises(PermissionDeniedError):
            member.notifications.retry(welcome.id)
        with pytest.raises(NotFoundError):
            member.notifications.get(uuid.uuid4())
        bad: Any = "bogus"
        with pytest.raises(UnprocessableEntityError):
            member.notifications.list(status=bad)

        # the SMS opt-in round-trips through the profile
        profile = member.users.profile.set(user.id, phone="+4712345678", sms_opt_in=True)
        assert profile.sms_opt_in is True
        assert member.users.profile.set(user.id, phone="+4712345678").sms_opt_in is False
        admin.users.delete(user.id)


@pytest.mark.anyio
async def test_notifications_async(live: Live) -> None:
    server_url, (admin_email, admin_password) = live
    email = unique_email()
    async with AsyncClient(server_url) as admin:
        await admin.auth.login(email=admin_email, password=admin_password)
        user = await admin.users.create(email=email, password=PASSWORD, name="Async Notify")
        deadline = time.monotonic() + 10
        found: list[Notification] = []
        while not found:
            page = await admin.notifications.list(user_id=user.id, template="welcome", limit=1)
            found = [n async for n in page if n.status == "sent"]
            assert time.monotonic() < deadline, "the welcome email was not sent"
        assert (await admin.notifications.get(found[0].id)).id == found[0].id
        with pytest.raises(ConflictError):
            await admin.notifications.retry(found[0].id)
        await admin.users.delete(user.id)


@contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port that refuses connections for as long as it is held: bound, never
    listening. (A port merely closed again may be taken by another test's server, which
    then accepts the connection and never greets: a timeout instead of a refusal.)"""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def test_retry_of_a_failed_email(tmp_path: Path) -> None:
    from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, isolated_server

    with (
        refusing_port() as port,
        isolated_server(
            tmp_path,
            email_backend="smtp",
            smtp_host="127.0.0.1",
            smtp_port=port,
            notification_retry_seconds=[],  # fail at the first error
        ) as live,
        Client(live.url) as admin,
    ):
        admin.auth.login(email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
        user = admin.users.create(email=unique_email(), password=PASSWORD, name="Unlucky")

        def failed() -> Notification | None:
            page = admin.notifications.list(user_id=user.id, status="failed")
            return page.data[0] if page.data else None

        first = wait_for(failed, "the failed welcome email")
        assert first.attempts == 1 and first.last_error
        retried = admin.notifications.retry(first.id)
        assert retried.id == first.id and retried.status == "queued"
        again = wait_for(
            lambda: (n := failed()) is not None and n.attempts == 2 and n, "the second failure"
        )
        assert again.last_error
