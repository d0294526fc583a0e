"""Failed sign-ins are throttled per account and per client address."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import Account, assert_problem
from tests.server.conftest import API, login, login_ok, own_server, unique_email
from tests.servers import LiveServer


def test_repeated_wrong_passwords_lock_the_account(
    api: httpx.Client, server: LiveServer, customer: Account, shared_customer: Account
) -> None:
    limit = server.settings.login_max_failures_per_account
    assert limit == 5
    for _ in range(limit):
        assert_problem(login(api, customer.email, "wrong-password"), 401)
    for password in ("wrong-password", customer.password):
        response = login(api, customer.email.upper(), password)
        body = assert_problem(response, 429)
        assert body["type"] == "/problems/rate-limited"
        retry_after = int(response.headers["retry-after"])
        assert 0 < retry_after <= server.settings.login_failure_window_seconds
        assert str(retry_after) in body["detail"]
    # The OAuth2 form is the same door.
    form = api.post(
        f"{API}/auth/login", data={"username": customer.email, "password": customer.password}
    )
    assert_problem(form, 429)
    # Sessions already open are not affected, and other accounts may still sign in.
    assert api.get(f"{API}/users/me", headers=customer.headers).status_code == 200
    login_ok(api, shared_customer.email, shared_customer.password)


def test_a_success_resets_the_account_count(api: httpx.Client, customer: Account) -> None:
    for _ in range(4):
        assert_problem(login(api, customer.email, "wrong-password"), 401)
    login_ok(api, customer.email, customer.password)
    for _ in range(4):
        assert_problem(login(api, customer.email, "wrong-password"), 401)
    login_ok(api, customer.email, customer.password)


def test_unknown_emails_are_throttled_too(api: httpx.Client) -> None:
    email = unique_email("ghost")
    for _ in range(5):
        assert_problem(login(api, email, "wrong-password"), 401)
    assert_problem(login(api, email, "wrong-password"), 429)


def test_too_many_failures_from_one_address(
    tmp_path: Path, server: LiveServer, shared_customer: Account
) -> None:
    # A second server on the same database, with a low per-address limit.
    with (
        own_server(
            tmp_path, server.settings.resolved_database_url, login_max_failures_per_ip=3
        ) as live,
        httpx.Client(base_url=live.url, timeout=30) as client,
    ):
        for _ in range(3):
            assert_problem(login(client, unique_email("spray"), "wrong-password"), 401)
        response = login(client, unique_email("spray"), "wrong-password")
        assert_problem(response, 429)
        assert int(response.headers["retry-after"]) > 0
        # The address is throttled whichever account it tries.
        c = shared_customer
        assert_problem(login(client, c.email, c.password), 429)
    # The main server keeps its own count: the same account signs in there.
    with httpx.Client(base_url=server.url, timeout=30) as main:
        login_ok(main, c.email, c.password)
