"""TOTP second factor: enrolment, the login challenge, recovery codes, replay, throttling."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import pytest

from platform_server.auth.mfa.codes import challenge_key
from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import API, login
from tests.server.mfa_helpers import Authenticator, challenge_of, enable_mfa, verify
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server


def _sessions(api: httpx.Client, access_token: str) -> list[dict[str, object]]:
    response = api.get(f"{API}/auth/sessions", headers=bearer(access_token))
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["data"]
    return items


def test_enrol_confirm_and_sign_in_with_a_code(api: httpx.Client, customer: Account) -> None:
    enrolled = api.post(f"{API}/auth/mfa/enroll", headers=bearer(customer.access_token))
    assert enrolled.status_code == 200, enrolled.text
    body = enrolled.json()
    assert body["provisioning_uri"].startswith("otpauth://totp/Platform:")
    assert f"secret={body['secret']}" in body["provisioning_uri"]
    app = Authenticator(body["secret"])
    # Not on until confirmed: the password alone still signs in.
    assert login(api, customer.email, customer.password).status_code == 200

    confirmed = api.post(
        f"{API}/auth/mfa/confirm", json={"code": app.code()}, headers=bearer(customer.access_token)
    )
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10

    problem = assert_problem(login(api, customer.email, customer.password), 401)
    assert problem["type"] == "/problems/mfa-required"
    assert problem["mfa_required"] is True and problem["expires_in"] == 300
    signed_in = verify(api, problem["challenge"], app.code())
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    me = api.get(f"{API}/users/me", headers=bearer(token))
    assert me.json()["id"] == customer.id

    # The sessions list says which sign-ins passed a second factor.
    by_current = {bool(s["current"]): s for s in _sessions(api, token)}
    assert by_current[True]["mfa"] is True
    # The session that enrolled proved a code too; earlier password-only ones did not.
    flags = [s["mfa"] for s in _sessions(api, customer.access_token)]
    assert flags.count(False) >= 1 and flags.count(True) == 2


def test_a_used_code_is_refused_within_its_window(api: httpx.Client, customer: Account) -> None:
    app, recovery = enable_mfa(api, customer.access_token)
    code = app.code()
    first = challenge_of(api, customer.email, customer.password)["challenge"]
    assert verify(api, first, code).status_code == 200
    second = challenge_of(api, customer.email, customer.password)["challenge"]
    problem = assert_problem(verify(api, second, code), 401)
    assert problem["type"] == "/problems/mfa-code-invalid"
    assert code not in str(problem)
    # The challenge itself is still good.
    assert verify(api, second, recovery[0]).status_code == 200


def test_recovery_codes_sign_in_once_each(api: httpx.Client, customer: Account) -> None:
    _, recovery = enable_mfa(api, customer.access_token)
    challenge = challenge_of(api, customer.email, customer.password)["challenge"]
    # Case, spaces and dashes do not matter.
    typed = recovery[0].upper().replace("-", " ")
    signed_in = verify(api, challenge, typed)
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    assert next(s for s in _sessions(api, token) if s["current"])["mfa"] is True
    again = verify(api, challenge, recovery[0])
    assert assert_problem(again, 401)["type"] == "/problems/mfa-code-invalid"
    assert verify(api, challenge, recovery[1]).status_code == 200


def test_new_recovery_codes_replace_the_old(api: httpx.Client, customer: Account) -> None:
    app, old = enable_mfa(api, customer.access_token)
    headers = bearer(customer.access_token)
    wrong_code = {"code": app.wrong_code()}
    wrong = api.post(f"{API}/auth/mfa/recovery-codes", json=wrong_code, headers=headers)
    assert assert_problem(wrong, 403)["type"] == "/problems/mfa-code-invalid"
    fresh = api.post(f"{API}/auth/mfa/recovery-codes", json={"code": app.code()}, headers=headers)
    assert fresh.status_code == 200, fresh.text
    new = fresh.json()["recovery_codes"]
    assert len(new) == 10 and not set(new) & set(old)
    challenge = challenge_of(api, customer.email, customer.password)["challenge"]
    assert_problem(verify(api, challenge, old[2]), 401)
    assert verify(api, challenge, new[0]).status_code == 200


def test_disable_needs_a_current_code(api: httpx.Client, customer: Account) -> None:
    app, _ = enable_mfa(api, customer.access_token)
    headers = bearer(customer.access_token)
    wrong = api.post(f"{API}/auth/mfa/disable", json={"code": app.wrong_code()}, headers=headers)
    body = assert_problem(wrong, 403)
    assert body["type"] == "/problems/mfa-code-invalid"
    # Still on.
    assert_problem(login(api, customer.email, customer.password), 401)
    off = api.post(f"{API}/auth/mfa/disable", json={"code": app.code()}, headers=headers)
    assert off.status_code == 204, off.text
    assert login(api, customer.email, customer.password).status_code == 200
    again = api.post(f"{API}/auth/mfa/disable", json={"code": "123456"}, headers=headers)
    assert assert_problem(again, 409)["type"] == "/problems/conflict"


def test_enrolment_bad_input(api: httpx.Client, customer: Account) -> None:
    headers = bearer(customer.access_token)
    assert_problem(api.post(f"{API}/auth/mfa/enroll"), 401)
    nothing = api.post(f"{API}/auth/mfa/confirm", json={"code": "123456"}, headers=headers)
    assert "enroll" in assert_problem(nothing, 409)["detail"]
    short = api.post(f"{API}/auth/mfa/confirm", json={"code": "123"}, headers=headers)
    assert_problem(short, 422, field="code")
    secret = api.post(f"{API}/auth/mfa/enroll", headers=headers).json()["secret"]
    app = Authenticator(secret)
    wrong = api.post(f"{API}/auth/mfa/confirm", json={"code": app.wrong_code()}, headers=headers)
    assert assert_problem(wrong, 403)["type"] == "/problems/mfa-code-invalid"
    letters = api.post(f"{API}/auth/mfa/confirm", json={"code": "abcdef"}, headers=headers)
    assert_problem(letters, 403)
    assert api.post(
        f"{API}/auth/mfa/confirm", json={"code": app.code()}, headers=headers
    ).is_success
    twice = api.post(f"{API}/auth/mfa/enroll", headers=headers)
    assert "already on" in assert_problem(twice, 409)["detail"]


def test_wrong_codes_are_throttled(api: httpx.Client, customer: Account) -> None:
    app, _ = enable_mfa(api, customer.access_token)
    challenge = challenge_of(api, customer.email, customer.password)["challenge"]
    statuses = [verify(api, challenge, app.wrong_code()).status_code for _ in range(5)]
    assert statuses == [401] * 5
    throttled = verify(api, challenge, app.code())
    assert_problem(throttled, 429)
    assert int(throttled.headers["Retry-After"]) > 0


@pytest.mark.parametrize("kind", ["expired", "wrong-key", "tampered", "access-token", "garbage"])
def test_a_bad_challenge_is_refused(
    api: httpx.Client, server: LiveServer, customer: Account, kind: str
) -> None:
    app, _ = enable_mfa(api, customer.access_token)
    real = challenge_of(api, customer.email, customer.password)["challenge"]
    settings = server.settings
    now = datetime.now(UTC)
    claims = {
        "sub": customer.id,
        "purpose": "mfa",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now - timedelta(minutes=10),
        "exp": now - timedelta(minutes=5),
    }
    challenge = {
        "expired": lambda: jwt.encode(claims, challenge_key(settings), algorithm="HS256"),
        "wrong-key": lambda: jwt.encode(
            {**claims, "exp": now + timedelta(minutes=5)}, "x" * 32, algorithm="HS256"
        ),
        "tampered": lambda: real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB"),
        "access-token": lambda: customer.access_token,
        "garbage": lambda: "not-a-token",
    }[kind]()
    problem = assert_problem(verify(api, challenge, app.code()), 401)
    expected = "expired" if kind == "expired" else "invalid"
    assert problem["type"] == f"/problems/mfa-challenge-{expected}"
    assert challenge not in str(problem)


def test_verify_bad_input(api: httpx.Client) -> None:
    assert_problem(
        api.post(f"{API}/auth/mfa/verify", json={"code": "123456"}), 422, field="challenge"
    )
    missing = api.post(f"{API}/auth/mfa/verify", json={"challenge": "x", "code": ""})
    assert_problem(missing, 422, field="code")
    # Not a challenge at all.
    stranger = verify(api, "x", "123456")
    assert assert_problem(stranger, 401)["type"] == "/problems/mfa-challenge-invalid"


def test_no_code_or_secret_in_the_audit_trail(
    api: httpx.Client, customer: Account, admin_headers: dict[str, str]
) -> None:
    enrolled = api.post(f"{API}/auth/mfa/enroll", headers=bearer(customer.access_token)).json()
    app = Authenticator(enrolled["secret"])
    code = app.code()
    confirmed = api.post(
        f"{API}/auth/mfa/confirm", json={"code": code}, headers=bearer(customer.access_token)
    ).json()
    challenge = challenge_of(api, customer.email, customer.password)["challenge"]
    assert verify(api, challenge, app.wrong_code()).status_code == 401
    assert verify(api, challenge, confirmed["recovery_codes"][0]).status_code == 200
    trail = api.get(
        f"{API}/audit", params={"target_id": customer.id, "limit": 100}, headers=admin_headers
    )
    assert trail.status_code == 200, trail.text
    actions = {r["action"] for r in trail.json()["data"]}
    assert {"auth.mfa_enabled", "auth.mfa_failed", "auth.login"} <= actions
    for secret in (enrolled["secret"], code, challenge, *confirmed["recovery_codes"]):
        assert secret not in trail.text


def test_staff_must_enrol_when_required(tmp_path: Path) -> None:
    with (
        isolated_server(tmp_path, mfa_required_for_staff=True) as live,
        httpx.Client(base_url=live.url, timeout=30) as api,
    ):
        pair = login(api, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert pair.status_code == 200, pair.text
        token = pair.json()["access_token"]
        blocked = api.get(f"{API}/users", headers=bearer(token))
        problem = assert_problem(blocked, 403)
        assert problem["type"] == "/problems/mfa-enrollment-required"
        assert api.get(f"{API}/users/me", headers=bearer(token)).status_code == 200
        app, _ = enable_mfa(api, token)
        # The session that enrolled passed a code: everything works now.
        assert api.get(f"{API}/users", headers=bearer(token)).status_code == 200
        # A customer is not asked to enrol.
        email = f"c-{uuid.uuid4().hex[:8]}@example.com"
        created = api.post(
            f"{API}/users", json={"email": email, "password": "tidal-lantern-42", "name": "C"}
        )
        assert created.status_code == 202, created.text  # self-registration
        customer = login(api, email, "tidal-lantern-42").json()["access_token"]
        assert api.get(f"{API}/orders", headers=bearer(customer)).status_code == 200
        # The next admin sign-in goes through the code.
        challenge = challenge_of(api, ADMIN_EMAIL, ADMIN_PASSWORD)["challenge"]
        again = verify(api, challenge, app.code()).json()["access_token"]
        assert api.get(f"{API}/users", headers=bearer(again)).status_code == 200
