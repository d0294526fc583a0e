"""Accounts by email: registration that reveals nothing, email verification, password reset.

One server of its own for the module, sending real email over SMTP to a local aiosmtpd
server: the tests read each code from the message, as a person would.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from platform_server.core.database import Database, utcnow
from platform_server.core.security import keyed_hash
from tests.conftest import Account, assert_problem, bearer
from tests.server.commerce.conftest import Shop
from tests.server.conftest import API, create_account, login, login_ok, unique_email
from tests.server.notifications.conftest import wait_for
from tests.server.notifications.test_delivery import Inbox, free_port, smtp_server
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server

PASSWORD = "tidal-lantern-42"
_CODE = re.compile(r"(?:verify-email|--token) (\S+)")


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Inbox]]:
    tmp = tmp_path_factory.mktemp("accounts")
    port = free_port()
    with (
        smtp_server(port) as inbox,
        isolated_server(
            Path(tmp), email_backend="smtp", smtp_host="127.0.0.1", smtp_port=port
        ) as live,
    ):
        yield live, inbox


@pytest.fixture(scope="module")
def live(mail: tuple[LiveServer, Inbox]) -> LiveServer:
    return mail[0]


@pytest.fixture(scope="module")
def inbox(mail: tuple[LiveServer, Inbox]) -> Inbox:
    return mail[1]


@pytest.fixture
def http(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


@pytest.fixture
def admin(http: httpx.Client) -> dict[str, str]:
    return bearer(login_ok(http, ADMIN_EMAIL, ADMIN_PASSWORD)["access_token"])


def register(http: httpx.Client, email: str, **extra: Any) -> httpx.Response:
    body = {"email": email, "password": PASSWORD, "name": "New Person", **extra}
    return http.post(f"{API}/users", json=body)


def code_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = _CODE.search(str(body.get_content()))
    assert found, body
    return found.group(1)


def new_code(inbox: Inbox, to: str, subject: str, seen: set[str]) -> str:
    def find() -> str | None:
        for rcpt_tos, message in list(inbox.messages):
            if to in rcpt_tos and subject in str(message["Subject"]):
                code = code_in(message)
                if code not in seen:
                    return code
        return None

    return wait_for(find, f"a new email {subject!r} to {to}")


def expire(live: LiveServer, token: str) -> None:
    async def go() -> None:
        db = Database(live.settings)
        try:
            async with db.transaction() as session:
                await session.execute(
                    text("UPDATE account_tokens SET expires_at = :at WHERE token_hash = :h"),
                    {"at": utcnow() - timedelta(minutes=1), "h": keyed_hash(live.settings, token)},
                )
        finally:
            await db.dispose()

    asyncio.run(go())


def refused(response: httpx.Response, kind: str) -> dict[str, Any]:
    problem = assert_problem(response, 400)
    assert problem["type"] == f"/problems/token-{kind}"
    return problem


def test_registration_answers_the_same_and_verification_unlocks_orders(
    http: httpx.Client, live: LiveServer, inbox: Inbox, admin: dict[str, str]
) -> None:
    email = unique_email("signup")
    first = register(http, email)
    again = register(http, email.upper(), name="Mallory", password="other-password-1")
    assert first.status_code == again.status_code == 202, first.text
    assert first.json() == again.json() == {"detail": "Check your inbox to finish signing up."}
    # The owner of the address is told about the second attempt; nothing else changed.
    assert "already have one" in str(inbox.wait(email, "tried to sign up"))
    token = code_in(inbox.wait(email, "Confirm your email"))
    # The welcome does not promise orders before the address is confirmed.
    welcome = inbox.wait(email, "Welcome to").get_body(preferencelist=("plain",))
    assert welcome is not None and "confirm your address" in str(welcome.get_content())

    # Unverified: may sign in and browse, may not order.
    pair = login_ok(http, email, PASSWORD)
    me = http.get(f"{API}/users/me", headers=bearer(pair["access_token"])).json()
    assert me["email_verified_at"] is None and me["name"] == "New Person"
    buyer = Account(me["id"], email, PASSWORD, pair["access_token"], pair["refresh_token"], me)
    product = Shop(http, admin).product(price="5.00", stock=3)
    assert http.get(f"{API}/products/{product['id']}").status_code == 200
    blocked = Shop(http, admin).place(buyer, (product["id"], 1))
    problem = assert_problem(blocked, 403)
    assert problem["type"] == "/problems/email-not-verified"
    assert "verify-email/resend" in problem["detail"]

    verified = http.post(f"{API}/auth/verify-email", json={"token": token})
    assert verified.status_code == 204, verified.text
    me = http.get(f"{API}/users/me", headers=buyer.headers).json()
    assert me["email_verified_at"] is not None
    Shop(http, admin).order(buyer, (product["id"], 1))
    # Single use.
    refused(http.post(f"{API}/auth/verify-email", json={"token": token}), "used")
    # The code never shows through the API: the notification's body is hidden.
    listed = http.get(
        f"{API}/notifications", params={"template": "verify_email"}, headers=admin
    ).text
    assert token not in listed and "hidden" in listed


def test_tokens_are_refused_for_the_wrong_purpose_expired_or_invalid(
    http: httpx.Client, live: LiveServer, inbox: Inbox, admin: dict[str, str]
) -> None:
    email = unique_email("purpose")
    assert register(http, email).status_code == 202
    verify_token = code_in(inbox.wait(email, "Confirm your email"))
    assert http.post(f"{API}/auth/password-reset", json={"email": email}).status_code == 202
    reset_token = code_in(inbox.wait(email, "Reset your"))

    confirm = {"token": verify_token, "new_password": "a-new-password-9"}
    wrong = refused(http.post(f"{API}/auth/password-reset/confirm", json=confirm), "wrong-purpose")
    assert verify_token not in wrong["detail"]
    refused(http.post(f"{API}/auth/verify-email", json={"token": reset_token}), "wrong-purpose")
    refused(http.post(f"{API}/auth/verify-email", json={"token": "not-a-token"}), "invalid")
    tampered = verify_token[:-1] + ("A" if verify_token[-1] != "A" else "B")
    refused(http.post(f"{API}/auth/verify-email", json={"token": tampered}), "invalid")
    assert_problem(http.post(f"{API}/auth/verify-email", json={}), 422, field="token")
    assert_problem(
        http.post(f"{API}/auth/password-reset/confirm", json={"token": reset_token}),
        422,
        field="new_password",
    )

    expire(live, verify_token)
    refused(http.post(f"{API}/auth/verify-email", json={"token": verify_token}), "expired")
    # A new code comes on request, with the same answer as for an unknown address.
    resent = http.post(f"{API}/auth/verify-email/resend", json={"email": email.upper()})
    unknown = http.post(f"{API}/auth/verify-email/resend", json={"email": unique_email("nobody")})
    assert resent.status_code == unknown.status_code == 202
    assert resent.json() == unknown.json()
    fresh = new_code(inbox, email, "Confirm your email", seen={verify_token})
    assert http.post(f"{API}/auth/verify-email", json={"token": fresh}).status_code == 204


def test_password_reset_sets_the_password_and_ends_every_session(
    http: httpx.Client, live: LiveServer, inbox: Inbox, admin: dict[str, str]
) -> None:
    user = create_account(live.url, admin["Authorization"].split()[1], name="Forgetful")
    assert user.data["email_verified_at"] is not None  # made by the admin
    other = login_ok(http, user.email, user.password)

    asked = http.post(f"{API}/auth/password-reset", json={"email": user.email.upper()})
    nobody = http.post(f"{API}/auth/password-reset", json={"email": unique_email("ghost")})
    assert asked.status_code == nobody.status_code == 202
    assert asked.json() == nobody.json()
    token = code_in(inbox.wait(user.email, "Reset your"))

    # The policy applies; a refused password does not spend the code.
    weak = http.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": "short"}
    )
    assert_problem(weak, 422, field="new_password")
    # Strong in general, but built from the account's own address: known only once the
    # code names the account, and refused then, the code still unspent.
    own = f"{user.email.split('@')[0]}-2026"
    mine = http.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": own}
    )
    assert_problem(mine, 422, field="new_password")
    new_password = "brand-new-secret-42"
    done = http.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": new_password}
    )
    assert done.status_code == 204, done.text

    # Every session ended: access and refresh tokens of both sign-ins are refused.
    for pair in ({"access_token": user.access_token, "refresh_token": user.refresh_token}, other):
        assert_problem(http.get(f"{API}/users/me", headers=bearer(pair["access_token"])), 401)
        stale = http.post(f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert_problem(stale, 401)
    assert_problem(login(http, user.email, user.password), 401)
    login_ok(http, user.email, new_password)
    refused(
        http.post(
            f"{API}/auth/password-reset/confirm",
            json={"token": token, "new_password": "yet-another-one-7"},
        ),
        "used",
    )

    trail = http.get(f"{API}/audit", params={"target_id": user.id, "limit": 100}, headers=admin)
    assert trail.status_code == 200, trail.text
    actions = {r["action"] for r in trail.json()["data"]}
    assert {"auth.password_reset_request", "user.password_reset"} <= actions
    assert token not in trail.text and new_password not in trail.text


def test_resend_for_a_verified_or_unknown_address_sends_nothing_and_says_the_same(
    http: httpx.Client, admin: dict[str, str]
) -> None:
    user = create_account(str(http.base_url).rstrip("/"), admin["Authorization"].split()[1])
    answers = [
        http.post(f"{API}/auth/verify-email/resend", json={"email": address})
        for address in (user.email, unique_email("never"))
    ]
    assert {a.status_code for a in answers} == {202}
    assert answers[0].json() == answers[1].json()
    assert_problem(http.post(f"{API}/auth/verify-email/resend", json={"email": 1}), 422)
    assert_problem(http.post(f"{API}/auth/password-reset", json={}), 422, field="email")


def test_an_unknown_route_id_is_not_a_token(http: httpx.Client) -> None:
    # Guard: a stray uuid is as invalid as any other string.
    refused(http.post(f"{API}/auth/verify-email", json={"token": str(uuid.uuid4())}), "invalid")


def test_registering_a_taken_address_again_and_again_tells_its_owner_once_a_day(
    http: httpx.Client, admin: dict[str, str]
) -> None:
    user = create_account(str(http.base_url).rstrip("/"), admin["Authorization"].split()[1])
    answers = [register(http, user.email.upper() if i % 2 else user.email) for i in range(4)]
    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1
    told = http.get(
        f"{API}/notifications",
        params={"user_id": user.id, "template": "registration_attempt"},
        headers=admin,
    )
    assert told.status_code == 200, told.text
    # PLATFORM_REGISTRATION_ATTEMPT_EMAILS_PER_DAY (1): one email, not four.
    assert len(told.json()["data"]) == 1
