"""Sign-in (JSON and OAuth2 form) and access tokens: expired, forged, tampered."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import httpx
import jwt
import pytest

from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import API, claims_of, kid_for, login, mint_token, unique_email
from tests.servers import LiveServer

# --- login ----------------------------------------------------------------------------


def test_login_returns_a_token_pair(
    api: httpx.Client, server: LiveServer, shared_customer: Account
) -> None:
    c = shared_customer
    response = login(api, c.email, c.password)
    assert response.status_code == 200, response.text
    pair = response.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == server.settings.access_token_minutes * 60
    assert pair["refresh_token"] != pair["access_token"]
    header = jwt.get_unverified_header(pair["access_token"])
    assert header["alg"] == "HS256"
    assert header["kid"] == kid_for(server.settings.signing_secret)
    claims = jwt.decode(
        pair["access_token"],
        server.settings.signing_secret,
        algorithms=["HS256"],
        audience=server.settings.jwt_audience,
        issuer=server.settings.jwt_issuer,
    )
    assert claims["sub"] == c.id
    assert claims["exp"] - claims["iat"] == pair["expires_in"]
    me = api.get(f"{API}/users/me", headers=bearer(pair["access_token"]))
    assert me.json()["id"] == c.id


def test_login_with_the_oauth2_form(api: httpx.Client, shared_customer: Account) -> None:
    c = shared_customer
    response = api.post(
        f"{API}/auth/login", data={"username": c.email.upper(), "password": c.password}
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert api.get(f"{API}/users/me", headers=bearer(token)).json()["id"] == c.id
    wrong = api.post(f"{API}/auth/login", data={"username": c.email, "password": "nope-nope"})
    assert_problem(wrong, 401)
    missing = api.post(f"{API}/auth/login", data={"username": c.email})
    assert_problem(missing, 422, field="password")


def test_wrong_password_and_unknown_email_get_the_same_401(
    api: httpx.Client, shared_customer: Account
) -> None:
    wrong = login(api, shared_customer.email, "wrong-password")
    unknown = login(api, unique_email("ghost"), "wrong-password")
    a, b = assert_problem(wrong, 401), assert_problem(unknown, 401)
    assert a["type"] == b["type"] == "/problems/unauthenticated"
    assert a["detail"] == b["detail"]
    assert a["title"] == b["title"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "tidal-lantern-42"}, "email"),
        ({"email": "a@example.com"}, "password"),
        ({"email": 5, "password": "tidal-lantern-42"}, "email"),
        ({"email": "a@example.com", "password": ["x"]}, "password"),
        ({"email": "a@example.com", "password": ""}, "password"),
        ({"email": "a@example.com", "password": "x" * 1025}, "password"),
        ({"email": "a" * 256, "password": "tidal-lantern-42"}, "email"),
        ({"email": "a@example.com", "password": "tidal-lantern-42", "otp": "1"}, "otp"),
    ],
)
def test_login_rejects_bad_input(api: httpx.Client, body: dict[str, object], field: str) -> None:
    assert_problem(api.post(f"{API}/auth/login", json=body), 422, field=field)


def test_login_without_a_body_is_a_422(api: httpx.Client) -> None:
    assert_problem(api.post(f"{API}/auth/login"), 422)
    assert_problem(api.post(f"{API}/auth/login", json=None), 422)


def test_login_with_text_plain_is_a_415(api: httpx.Client) -> None:
    response = api.post(
        f"{API}/auth/login", content=b"a@b.c:pw", headers={"Content-Type": "text/plain"}
    )
    assert_problem(response, 415)


# --- access tokens --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_claims(server_url: str, shared_customer: Account) -> dict[str, str]:
    return claims_of(shared_customer.access_token)


def _me(api: httpx.Client, token: str) -> httpx.Response:
    return api.get(f"{API}/users/me", headers=bearer(token))


def test_a_correctly_minted_token_works(
    api: httpx.Client, server: LiveServer, real_claims: dict[str, str]
) -> None:
    # Proves the forgeries below fail for the one thing each changes.
    token = mint_token(server.settings, sub=real_claims["sub"], sid=real_claims["sid"])
    assert _me(api, token).status_code == 200


def test_an_expired_token_is_a_401(
    api: httpx.Client, server: LiveServer, real_claims: dict[str, str]
) -> None:
    token = mint_token(
        server.settings,
        sub=real_claims["sub"],
        sid=real_claims["sid"],
        expires_in=timedelta(seconds=-60),
    )
    body = assert_problem(_me(api, token), 401)
    assert "expired" in body["detail"]


def test_a_token_signed_with_another_secret_is_a_401(
    api: httpx.Client, server: LiveServer, real_claims: dict[str, str]
) -> None:
    settings = server.settings
    forged = mint_token(
        settings,
        sub=real_claims["sub"],
        sid=real_claims["sid"],
        secret="not-the-server-secret-" + "x" * 20,
        kid=kid_for(settings.signing_secret),
    )
    assert_problem(_me(api, forged), 401)


def test_an_alg_none_token_is_a_401(
    api: httpx.Client, server: LiveServer, real_claims: dict[str, str]
) -> None:
    forged = mint_token(
        server.settings, sub=real_claims["sub"], sid=real_claims["sid"], algorithm="none"
    )
    assert jwt.get_unverified_header(forged)["alg"] == "none"
    assert_problem(_me(api, forged), 401)


def test_a_token_with_an_unknown_kid_is_a_401(
    api: httpx.Client, server: LiveServer, real_claims: dict[str, str]
) -> None:
    forged = mint_token(
        server.settings, sub=real_claims["sub"], sid=real_claims["sid"], kid="0123456789abcdef"
    )
    body = assert_problem(_me(api, forged), 401)
    assert "unknown key" in body["detail"]
    no_kid = jwt.encode(claims_of(forged), server.settings.signing_secret, algorithm="HS256")
    assert_problem(_me(api, no_kid), 401)


def test_a_tampered_payload_is_a_401(
    api: httpx.Client, shared_customer: Account, shared_staff: Account
) -> None:
    header, payload, signature = shared_customer.access_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = shared_staff.id
    tampered_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"{header}.{tampered_payload}.{signature}"
    assert_problem(_me(api, tampered), 401)
    # The untouched token still works.
    assert _me(api, shared_customer.access_token).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"iss": "someone-else"},
        {"aud": "another-api"},
        {"sid": "not-a-uuid"},
        {"sid": str(uuid.uuid4())},
    ],
)
def test_tokens_with_wrong_claims_are_a_401(
    api: httpx.Client, server: LiveServer, real_claims: dict[str, str], change: dict[str, str]
) -> None:
    values = {"sub": real_claims["sub"], "sid": real_claims["sid"], **change}
    sub, sid = values.pop("sub"), values.pop("sid")
    token = mint_token(server.settings, sub=sub, sid=sid, **values)
    assert_problem(_me(api, token), 401)


def test_a_token_for_another_user_in_this_session_is_a_401(
    api: httpx.Client, server: LiveServer, real_claims: dict[str, str], shared_staff: Account
) -> None:
    # Correctly signed, but the session belongs to someone else.
    token = mint_token(server.settings, sub=shared_staff.id, sid=real_claims["sid"])
    assert_problem(_me(api, token), 401)


def test_authorization_schemes_other_than_bearer_are_a_401(
    api: httpx.Client, shared_customer: Account
) -> None:
    token = shared_customer.access_token
    assert_problem(api.get(f"{API}/users/me", headers={"Authorization": f"Basic {token}"}), 401)
    assert_problem(api.get(f"{API}/users/me", headers={"Authorization": token}), 401)
