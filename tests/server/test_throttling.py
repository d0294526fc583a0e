"""Failed sign-ins are throttled per (account, address) pair, per address, and, as a
last resort, per account; the tests drive two client addresses for real (127.0.0.1
and 127.0.0.2, which Linux routes to the server's 127.0.0.1)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from platform_server.auth.throttle import LoginThrottle, MemoryFailureCounter, pair_delay
from platform_server.core.settings import Settings
from tests.conftest import Account, assert_problem
from tests.server.conftest import API, login, login_ok, own_server, unique_email
from tests.servers import LiveServer, live_server, make_settings

OTHER_ADDRESS = "127.0.0.2"


@contextmanager
def client_from(url: str, address: str = OTHER_ADDRESS) -> Iterator[httpx.Client]:
    """A client whose requests come from `address`."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=url, timeout=30, transport=transport) as client:
        yield client


def assert_throttled(response: httpx.Response, most: int) -> dict[str, object]:
    body = assert_problem(response, 429)
    assert body["type"] == "/problems/rate-limited"
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= most
    unit = "second" if retry_after == 1 else "seconds"
    assert body["detail"] == f"Too many failed sign-ins; try again in {retry_after} {unit}."
    return body


def test_a_stranger_guessing_does_not_lock_out_the_owner(
    api: httpx.Client, server: LiveServer, customer: Account
) -> None:
    s = server.settings
    with client_from(server.url) as stranger:
        me = stranger.get(f"{API}/users/me", headers=customer.headers)
        assert me.status_code == 200
        for _ in range(s.login_pair_free_failures):
            assert_problem(login(stranger, customer.email, "wrong-password"), 401)
        # The pair waits now, even with the right password (it is not even checked)...
        for password in ("wrong-password", customer.password):
            assert_throttled(
                login(stranger, customer.email.upper(), password), s.login_pair_base_delay_seconds
            )
        form = stranger.post(
            f"{API}/auth/login", data={"username": customer.email, "password": customer.password}
        )
        assert_throttled(form, s.login_pair_base_delay_seconds)
    # ... while the owner, at another address, signs in at once, and so again and again.
    for _ in range(2):
        login_ok(api, customer.email, customer.password)
    assert api.get(f"{API}/users/me", headers=customer.headers).status_code == 200


def test_a_success_clears_the_pair(
    api: httpx.Client, server: LiveServer, customer: Account
) -> None:
    free = server.settings.login_pair_free_failures
    for _ in range(2):
        for _ in range(free - 1):
            assert_problem(login(api, customer.email, "wrong-password"), 401)
        login_ok(api, customer.email, customer.password)


def test_unknown_emails_are_throttled_like_known_ones(
    server: LiveServer, customer: Account
) -> None:
    s = server.settings
    answers = []
    with client_from(server.url) as stranger:
        for email in (customer.email, unique_email("ghost")):
            for _ in range(s.login_pair_free_failures):
                assert_problem(login(stranger, email, "wrong-password"), 401)
            response = login(stranger, email, "wrong-password")
            body = assert_throttled(response, s.login_pair_base_delay_seconds)
            answers.append((sorted(body), sorted(response.headers)))
    assert answers[0] == answers[1]


def _settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "jwt_secret": "x" * 32,
        "login_pair_free_failures": 2,
        "login_pair_base_delay_seconds": 10,
        "login_pair_max_delay_seconds": 60,
        "login_max_failures_per_ip": 1000,
        "login_max_failures_per_account": 1000,
        "login_failure_window_seconds": 3600,
    }
    return Settings(**{**values, **overrides})  # type: ignore[arg-type]


def test_the_pair_delay_doubles_up_to_its_cap() -> None:
    s = _settings()
    assert [pair_delay(n, s) for n in range(8)] == [0, 0, 10, 20, 40, 60, 60, 60]
    now = [1000.0]
    throttle = LoginThrottle(s, MemoryFailureCounter(clock=lambda: now[0]))

    async def story() -> list[int]:
        waits = []
        for _ in range(5):
            await throttle.failed("a@example.com", "10.0.0.1")
            wait = await throttle.wait("a@example.com", "10.0.0.1")
            waits.append(wait)
            now[0] += wait  # the pair waits exactly as long as it is told
        # Another address for the same account is not held at all.
        waits.append(await throttle.wait("a@example.com", "10.0.0.2"))
        await throttle.succeeded("a@example.com", "10.0.0.1")
        waits.append(await throttle.wait("a@example.com", "10.0.0.1"))
        return waits

    assert asyncio.run(story()) == [0, 10, 20, 40, 60, 0, 0]


def test_the_owner_is_told_once_a_window_however_often_the_ceiling_is_reached() -> None:
    s = _settings(login_max_failures_per_account=3, login_failure_window_seconds=100)
    now = [0.0]
    throttle = LoginThrottle(s, MemoryFailureCounter(clock=lambda: now[0]))

    async def story() -> list[bool]:
        told = []
        for _ in range(14):  # one failure every 10 s, from ever new addresses
            told.append(await throttle.failed("a@example.com", f"10.0.0.{len(told)}"))
            now[0] += 10
        return told

    # The ceiling is reached at the 3rd failure and again at every later one (the
    # oldest leaves the window); the owner hears of it at the 3rd, then a window later.
    assert [i for i, t in enumerate(asyncio.run(story())) if t] == [2, 12]


def test_too_many_failures_from_one_address(
    tmp_path: Path, server: LiveServer, shared_customer: Account
) -> None:
    # A second server on the same database, with a low per-address limit.
    with own_server(
        tmp_path, server.settings.resolved_database_url, login_max_failures_per_ip=3
    ) as live:
        c = shared_customer
        with client_from(live.url) as spraying:
            for _ in range(3):
                assert_problem(login(spraying, unique_email("spray"), "wrong-password"), 401)
            window = live.settings.login_failure_window_seconds
            assert_throttled(login(spraying, unique_email("spray"), "wrong-password"), window)
            # The address is throttled whichever account it tries.
            assert_throttled(login(spraying, c.email, c.password), window)
        # Another address is not.
        with client_from(live.url, "127.0.0.1") as other:
            login_ok(other, c.email, c.password)


def _ceiling_mail(api: httpx.Client, admin: Mapping[str, str], user_id: str) -> list[dict]:
    found = api.get(
        f"{API}/notifications",
        params={"template": "login_ceiling", "user_id": user_id, "limit": 100},
        headers=admin,
    )
    assert found.status_code == 200, found.text
    items: list[dict] = found.json()["data"]
    return items


def test_the_account_ceiling_holds_every_address_and_tells_the_owner_once(
    tmp_path: Path,
    server: LiveServer,
    api: httpx.Client,
    customer: Account,
    admin_headers: Mapping[str, str],
) -> None:
    ceiling = 4
    with (
        own_server(
            tmp_path,
            server.settings.resolved_database_url,
            login_max_failures_per_account=ceiling,
            login_pair_free_failures=100,
        ) as live,
        client_from(live.url, "127.0.0.1") as one,
        client_from(live.url) as two,
    ):
        window = live.settings.login_failure_window_seconds
        for i in range(ceiling):
            assert_problem(login((one, two)[i % 2], customer.email, f"guess-{i}"), 401)
        # Now everyone waits, the owner with the right password included...
        for client in (one, two):
            for password in ("guess-x", customer.password):
                assert_throttled(login(client, customer.email, password), window)
        # ... and an unknown email reaching its ceiling answers exactly the same.
        ghost = unique_email("ghost")
        for i in range(ceiling):
            assert_problem(login((one, two)[i % 2], ghost, f"guess-{i}"), 401)
        assert_throttled(login(one, ghost, "guess-x"), window)
    [mail] = _ceiling_mail(api, admin_headers, str(customer.id))
    assert mail["recipient"] == customer.email
    assert mail["channel"] == "email"
    body = mail["subject"] + mail["body_text"]
    assert f"{ceiling} times" in body
    for secret in ("guess-", customer.password, "127.0.0"):
        assert secret not in body


def test_an_unreachable_redis_does_not_break_sign_in(
    tmp_path: Path, server: LiveServer, shared_customer: Account, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="platform_server.cache")
    c = shared_customer
    # Nothing listens on port 1 (and there is nothing to clean up there afterwards).
    settings = make_settings(
        tmp_path, server.settings.resolved_database_url, redis_url="redis://127.0.0.1:1/0"
    )
    with live_server(settings) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        for _ in range(3):
            assert_problem(login(client, c.email, "wrong-password"), 401)
            login_ok(client, c.email, c.password)
        # Counted in memory meanwhile: the pair is still throttled.
        for _ in range(live.settings.login_pair_free_failures):
            assert_problem(login(client, c.email, "wrong-password"), 401)
        assert_throttled(
            login(client, c.email, c.password), live.settings.login_pair_base_delay_seconds
        )
    # Said once (at most once a minute), not once per sign-in.
    warnings = [
        r.getMessage()
        for r in caplog.records
        if "failed sign-ins are counted in this process" in r.getMessage()
    ]
    assert len(warnings) == 1, warnings
