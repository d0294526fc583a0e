"""Core conventions: problem+json for every error, body guards, request ids."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import Account, assert_problem
from tests.server.conftest import API, unique_email
from tests.servers import LiveServer


def test_unknown_route_is_a_404_problem(api: httpx.Client) -> None:
    body = assert_problem(api.get(f"{API}/no-such-thing"), 404)
    assert body["type"] == "/problems/not-found"
    assert body["instance"] == f"{API}/no-such-thing"
    assert_problem(api.get("/definitely/not/here"), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", f"{API}/users"),
        ("DELETE", f"{API}/users"),
        ("GET", f"{API}/auth/login"),
        ("PATCH", f"{API}/api-keys"),
        ("POST", "/healthz"),
    ],
)
def test_wrong_method_is_a_405_problem(api: httpx.Client, method: str, path: str) -> None:
    response = api.request(method, path, json={} if method in ("PUT", "PATCH", "POST") else None)
    body = assert_problem(response, 405)
    assert body["type"] == "/problems/method-not-allowed"
    assert method in body["detail"]
    assert "allow" in response.headers


def test_malformed_json_is_a_400_problem(api: httpx.Client) -> None:
    response = api.post(
        f"{API}/users",
        content=b'{"email": "a@example.com", "password": ',
        headers={"Content-Type": "application/json"},
    )
    body = assert_problem(response, 400)
    assert body["type"] == "/problems/bad-request"


def test_malformed_json_on_login_is_a_400_problem(api: httpx.Client) -> None:
    response = api.post(
        f"{API}/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400)


def test_malformed_json_with_a_token_is_a_400_problem(api: httpx.Client, customer: Account) -> None:
    response = api.patch(
        f"{API}/users/{customer.id}",
        content=b"[1, 2",
        headers={**customer.headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 400)


def test_text_plain_body_is_a_415_problem(api: httpx.Client) -> None:
    response = api.post(
        f"{API}/users", content=b"email=a@example.com", headers={"Content-Type": "text/plain"}
    )
    body = assert_problem(response, 415)
    assert body["type"] == "/problems/unsupported-media-type"
    assert "text/plain" in body["detail"]


def test_form_body_is_415_outside_login(api: httpx.Client) -> None:
    response = api.post(f"{API}/users", data={"email": "a@example.com", "password": "x" * 10})
    assert_problem(response, 415)


def test_body_over_the_limit_is_a_413_problem(api: httpx.Client, server: LiveServer) -> None:
    limit = server.settings.max_body_bytes
    big = b'{"name": "' + b"x" * limit + b'"}'
    response = api.post(f"{API}/users", content=big, headers={"Content-Type": "application/json"})
    body = assert_problem(response, 413)
    assert body["type"] == "/problems/payload-too-large"
    assert str(limit) in body["detail"]


def test_chunked_body_over_the_limit_is_a_413_problem(
    api: httpx.Client, server: LiveServer
) -> None:
    limit = server.settings.max_body_bytes
    chunk = b" " * 65536

    def stream() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(limit // len(chunk) + 2):
            yield chunk
        yield b'"}'

    response = api.post(
        f"{API}/users", content=stream(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_problem(response, 413)


def test_body_just_under_the_limit_is_not_rejected_for_size(
    api: httpx.Client, server: LiveServer
) -> None:
    # Near the limit, the body is parsed: the answer is about its content, not its size.
    padding = "x" * (server.settings.max_body_bytes - 200)
    response = api.post(f"{API}/users", json={"email": "a@example.com", "padding": padding})
    assert_problem(response, 422, field="padding")


def test_bad_content_length_is_a_400_problem(server_url: str) -> None:
    # httpx always sends a correct Content-Length, so write the request by hand.
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(server_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: abc\r\nConnection: close\r\n\r\n"
        )
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    # uvicorn itself may refuse the request before the app sees it; either way, a 400.
    assert raw.startswith(b"HTTP/1.1 400"), raw[:200]


def test_unknown_field_is_a_422_naming_it(api: httpx.Client) -> None:
    response = api.post(
        f"{API}/users",
        json={"email": unique_email(), "password": "tidal-lantern-42", "name": "A", "admin": True},
    )
    body = assert_problem(response, 422, field="admin")
    assert body["type"] == "/problems/validation-error"
    assert body["errors"][0]["loc"] == ["body", "admin"]


def test_wrong_type_and_missing_fields_are_each_named(api: httpx.Client) -> None:
    response = api.post(f"{API}/users", json={"email": 12, "name": ["x"]})
    body = assert_problem(response, 422, field="email")
    locs = {tuple(err["loc"]) for err in body["errors"]}
    assert {("body", "email"), ("body", "name"), ("body", "password")} <= locs
    assert all(err["msg"] for err in body["errors"])


def test_json_body_that_is_not_an_object_is_a_422(api: httpx.Client) -> None:
    assert_problem(api.post(f"{API}/users", json=["a", "b"]), 422)


def test_bad_uuid_in_path_is_a_422_naming_the_id(api: httpx.Client, customer: Account) -> None:
    for method, path in [
        ("GET", f"{API}/users/not-a-uuid"),
        ("PATCH", f"{API}/users/123"),
        ("DELETE", f"{API}/users/zzz"),
        ("GET", f"{API}/users/zzz/profile"),
        ("DELETE", f"{API}/auth/sessions/nope"),
        ("DELETE", f"{API}/api-keys/nope"),
    ]:
        response = api.request(
            method, path, headers=customer.headers, json={} if method == "PATCH" else None
        )
        assert_problem(response, 422, field="id")


def test_missing_credentials_are_a_401_problem(api: httpx.Client) -> None:
    response = api.get(f"{API}/users/me")
    body = assert_problem(response, 401)
    assert body["type"] == "/problems/unauthenticated"
    assert response.headers["www-authenticate"] == "Bearer"


def test_garbage_bearer_is_a_401_problem(api: httpx.Client) -> None:
    for token in ("garbage", "a.b.c", "plat_short"):
        assert_problem(
            api.get(f"{API}/users/me", headers={"Authorization": f"Bearer {token}"}), 401
        )


def test_request_id_is_echoed_when_sent(api: httpx.Client) -> None:
    rid = "req-abc_123.XYZ"
    ok = api.get("/healthz", headers={"X-Request-ID": rid})
    assert ok.headers["x-request-id"] == rid
    failed = api.get(f"{API}/users/me", headers={"X-Request-ID": rid})
    assert assert_problem(failed, 401)["request_id"] == rid
    too_big = api.post(
        f"{API}/users", content=b"x", headers={"Content-Type": "text/plain", "X-Request-ID": rid}
    )
    assert assert_problem(too_big, 415)["request_id"] == rid


def test_request_id_is_generated_when_missing(api: httpx.Client) -> None:
    first = api.get("/healthz").headers["x-request-id"]
    second = api.get("/healthz").headers["x-request-id"]
    assert first and second and first != second
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,128}", first)
    body = assert_problem(api.get(f"{API}/nope"), 404)
    assert body["request_id"]


@pytest.mark.parametrize("bad", [b"has space", b"x" * 129, b"semi;colon", "ünï".encode()])
def test_invalid_request_id_is_replaced(api: httpx.Client, bad: bytes) -> None:
    response = api.get(f"{API}/nope", headers={"X-Request-ID": bad})
    rid = response.headers["x-request-id"]
    assert rid.encode() != bad
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,128}", rid)
    assert assert_problem(response, 404)["request_id"] == rid


def test_request_id_of_128_chars_is_kept(api: httpx.Client) -> None:
    rid = "a" * 128
    assert api.get("/healthz", headers={"X-Request-ID": rid}).headers["x-request-id"] == rid


@pytest.mark.parametrize("path", [f"{API}/users", f"{API}/auth/login", f"{API}/auth/refresh"])
def test_body_that_is_not_utf8_is_a_400_problem(api: httpx.Client, path: str) -> None:
    response = api.post(
        path, content=b'{"email": "\xff\xfe"}', headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400)


_REGISTER = '{"email": "nul@example.com", "password": "tidal-lantern-42", "name": '


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"{API}/users", _REGISTER + '"a\\u0000b"}', "name"),
        (f"{API}/users", _REGISTER + '"a\\ud800"}', "name"),
        (f"{API}/auth/login", '{"email": "a\\u0000@x.com", "password": "pw-pw-pw-pw"}', "email"),
        (f"{API}/auth/refresh", '{"refresh_token": "a\\u0000b"}', "refresh_token"),
    ],
)
def test_text_that_cannot_be_stored_is_a_422(
    api: httpx.Client, path: str, body: str, field: str
) -> None:
    # PostgreSQL refuses NUL in text and UTF-8 has no lone surrogates: refused up front.
    response = api.post(path, content=body.encode(), headers={"Content-Type": "application/json"})
    assert_problem(response, 422, field=field)


def test_nul_in_a_query_string_is_a_422(api: httpx.Client, admin_headers: dict[str, str]) -> None:
    response = api.get(f"{API}/users", params={"q": "a\x00b"}, headers=admin_headers)
    assert_problem(response, 422, field="q")


def test_nul_in_profile_and_key_names_is_a_422(api: httpx.Client, shared_customer: Account) -> None:
    c = shared_customer
    profile = api.put(f"{API}/users/{c.id}/profile", json={"bio": "a\x00"}, headers=c.headers)
    assert_problem(profile, 422, field="bio")
    key = api.post(f"{API}/api-keys", json={"name": "ci\x00"}, headers=c.headers)
    assert_problem(key, 422, field="name")
    scopes = api.post(
        f"{API}/api-keys", json={"name": "ci", "scopes": ["account:read\x00"]}, headers=c.headers
    )
    assert_problem(scopes, 422, field="scopes")
