"""The credentials tests share outlive their access tokens (issue 14: a suite over 15
minutes failed with "The access token has expired").

A server of its own issues six-second access tokens. Each test waits until a token is
really past its own ``exp`` (however slow the machine, up to a generous cap), shows the
server now refuses it, and still gets 200s through the fixtures' machinery: ``sign_in``
(behind ``admin_account``, ``admin_token`` and ``admin_headers``) and ``create_account``
(behind ``shared_customer`` and ``shared_staff``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import Account, assert_problem, bearer, sign_in
from tests.server.conftest import API, claims_of, create_account
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server

TOKEN_MINUTES = 0.1  # six seconds
EXPIRY_CAP_SECONDS = 120.0


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with isolated_server(
        tmp_path_factory.mktemp("short-tokens"), access_token_minutes=TOKEN_MINUTES
    ) as live:
        yield live


def wait_until_expired(*tokens: str) -> None:
    """Sleep until every token is past its ``exp``, read from the token itself."""
    expiry = max(float(claims_of(token)["exp"]) for token in tokens)
    deadline = time.monotonic() + EXPIRY_CAP_SECONDS
    while time.time() < expiry:
        assert time.monotonic() < deadline, f"the tokens did not expire in {EXPIRY_CAP_SECONDS}s"
        time.sleep(min(0.5, max(expiry - time.time(), 0.01)))


def me(server: LiveServer, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        return client.get(f"{API}/users/me", headers=headers)


def assert_expired(server: LiveServer, token: str) -> None:
    body = assert_problem(me(server, bearer(token)), 401)
    assert "expired" in body["detail"]


def test_the_server_issues_the_short_lifetime(short_lived: LiveServer) -> None:
    admin = sign_in(short_lived.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    claims = claims_of(admin.access_token)
    assert claims["exp"] - claims["iat"] == 6


def test_shared_accounts_get_200s_after_their_first_token_expired(short_lived: LiveServer) -> None:
    admin = sign_in(short_lived.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    member: Account = create_account(short_lived.url, admin.access_token, role="staff")
    first_admin, first_member = admin.access_token, member.access_token

    wait_until_expired(first_admin, first_member)
    assert_expired(short_lived, first_admin)
    assert_expired(short_lived, first_member)

    response = me(short_lived, admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["email"] == ADMIN_EMAIL
    response = me(short_lived, member.headers)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == member.id
    assert admin.access_token != first_admin and member.access_token != first_member


def test_an_account_whose_session_was_ended_signs_in_again(short_lived: LiveServer) -> None:
    admin = sign_in(short_lived.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    first = admin.access_token
    with httpx.Client(base_url=short_lived.url, timeout=30) as client:
        ended = client.post(f"{API}/auth/logout", headers=bearer(first))
    assert ended.status_code == 204, ended.text
    refused = httpx.post(
        f"{short_lived.url}{API}/auth/refresh",
        json={"refresh_token": admin.refresh_token},
        timeout=30,
    )
    assert_problem(refused, 401)

    wait_until_expired(first)
    response = me(short_lived, admin.headers)
    assert response.status_code == 200, response.text
    assert claims_of(admin.access_token)["sid"] != claims_of(first)["sid"]


def test_accounts_made_for_one_test_keep_their_tokens_as_issued(short_lived: LiveServer) -> None:
    # Tests of refresh rotation and revocation read these tokens: they must not change.
    admin = sign_in(short_lived.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    pinned = Account(
        id=admin.id,
        email=admin.email,
        password=admin.password,
        access_token=admin.access_token,
        refresh_token=admin.refresh_token,
        data=admin.data,
    )
    first = pinned.access_token
    wait_until_expired(first)
    assert pinned.access_token == first
    assert_expired(short_lived, pinned.access_token)
