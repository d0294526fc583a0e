"""The sender's HTTP attempt, without a database: outcomes, SSRF at delivery time, pinning."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from platform_sdk import webhooks
from platform_server.core.settings import Settings
from platform_server.webhooks.sender import Job, Outcome, WebhookSender, classify
from platform_server.webhooks.signing import generate_secret
from tests.server.webhooks.receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``answers[name]``: a list of address lists, one per lookup (the last one repeats)."""
    state: dict[str, Any] = {"answers": {}, "lookups": []}

    async def fake_getaddrinfo(
        self: Any, host: str, port: int, *args: Any, **kwargs: Any
    ) -> list[Any]:
        state["lookups"].append(host)
        rounds = state["answers"].get(host)
        if not rounds:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        count = state["lookups"].count(host)
        addresses = rounds[min(count, len(rounds)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", fake_getaddrinfo)
    return state


def job(url: str, secret: str) -> Job:
    return Job(
        delivery_id=uuid.uuid4(),
        endpoint_id=uuid.uuid4(),
        url=url,
        secrets=(secret,),
        message_id=f"msg_{uuid.uuid4().hex}",
        event_type="order.created",
        payload=json.dumps({"type": "order.created", "data": {"n": 1}}),
    )


def attempt(the_job: Job, **settings: Any) -> Outcome:
    sender = WebhookSender(None, Settings(webhook_timeout_seconds=5, **settings))  # type: ignore[arg-type]

    async def go() -> Outcome:
        try:
            return await sender._attempt(the_job)
        finally:
            await sender.close()

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("status", "ok", "final"),
    [
        (200, True, False),
        (204, True, False),
        (301, False, False),
        (302, False, False),
        (400, False, True),
        (401, False, True),
        (404, False, True),
        (410, False, True),
        (408, False, False),
        (409, False, False),
        (425, False, False),
        (429, False, False),
        (500, False, False),
        (503, False, False),
    ],
)
def test_classify(status: int, ok: bool, final: bool) -> None:
    outcome = classify(status, "  some\n body  " + "x" * 500)
    assert (outcome.ok, outcome.final, outcome.response_code) == (ok, final, status)
    if not ok:
        assert outcome.error is not None and outcome.error.startswith(f"HTTP {status}: some body")
        assert len(outcome.error) < 260
    if 300 <= status < 400:
        assert "redirects are not followed" in (outcome.error or "")


def test_delivery_connects_to_the_checked_address_with_the_original_host(
    receiver: Receiver, resolver: dict[str, Any]
) -> None:
    # The first lookup (the check) says loopback; any later one would say metadata.
    resolver["answers"]["hooks.rebind.test"] = [["127.0.0.1"], ["169.254.169.254"]]
    secret = generate_secret()
    the_job = job(f"http://hooks.rebind.test:{receiver.port}/in", secret)
    outcome = attempt(the_job, webhooks_allow_private=True)
    assert outcome.ok and outcome.response_code == 200, outcome
    assert outcome.duration_ms is not None
    assert resolver["lookups"].count("hooks.rebind.test") == 1
    [got] = receiver.at("/in")
    assert got.headers["host"] == f"hooks.rebind.test:{receiver.port}"
    assert webhooks.verify(got.body, got.headers, secret)["data"] == {"n": 1}
    assert got.headers["webhook-id"] == the_job.message_id


def test_private_addresses_are_refused_at_delivery_time(
    receiver: Receiver, resolver: dict[str, Any]
) -> None:
    resolver["answers"]["hooks.example.test"] = [["127.0.0.1"]]
    outcome = attempt(job(f"http://hooks.example.test:{receiver.port}/in", generate_secret()))
    assert not outcome.ok and not outcome.final
    assert outcome.error is not None and "loopback" in outcome.error
    assert outcome.error.startswith("refused")
    assert receiver.received == []

    # Metadata addresses are refused even where private targets are allowed.
    resolver["answers"]["sneaky.example.test"] = [["169.254.169.254"]]
    outcome = attempt(
        job("http://sneaky.example.test/latest", generate_secret()), webhooks_allow_private=True
    )
    assert not outcome.ok and "metadata" in (outcome.error or "")


def test_unresolvable_and_unreachable_targets_are_failed_attempts(resolver: dict[str, Any]) -> None:
    outcome = attempt(job("https://hooks.invalid/x", generate_secret()))
    assert not outcome.ok and not outcome.final
    assert (outcome.error or "").startswith("DNS: cannot resolve")

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcome = attempt(
        job(f"http://127.0.0.1:{port}/", generate_secret()), webhooks_allow_private=True
    )
    assert not outcome.ok and not outcome.final and outcome.response_code is None
    assert "cannot connect to 127.0.0.1" in (outcome.error or "")
