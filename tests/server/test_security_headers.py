"""Security headers on every answer, no-store on secrets, HSTS behind TLS, and CORS."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import httpx

from tests.conftest import Account, assert_problem
from tests.server.conftest import API, login_ok, own_server
from tests.server.webhooks.test_webhooks_api import created as created_webhook
from tests.servers import LiveServer

SHOP = "https://shop.example"


def assert_hardened(headers: httpx.Headers) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert "server" not in headers
    assert "strict-transport-security" not in headers  # plain HTTP


def assert_no_store(response: httpx.Response) -> None:
    assert response.status_code in (200, 201), response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"


def test_every_answer_is_hardened(api: httpx.Client, customer: Account) -> None:
    for response in (
        api.get("/healthz"),
        api.get(f"{API}/products"),
        api.get(f"{API}/users/me", headers=customer.headers),
        api.get(f"{API}/users/me"),  # a 401
        api.post(f"{API}/auth/login", content=b"{", headers={"content-type": "application/json"}),
    ):
        assert_hardened(response.headers)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert_problem(api.get(f"{API}/users/me"), 401)


def test_docs_may_load_swagger_ui(api: httpx.Client) -> None:
    docs = api.get("/docs")
    assert docs.status_code == 200
    assert_hardened(docs.headers)
    csp = docs.headers["content-security-policy"]
    # FastAPI's page loads its script and style from jsDelivr and starts it inline.
    assert "cdn.jsdelivr.net" in docs.text
    assert "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net" in csp
    assert "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net" in csp
    assert "frame-ancestors 'none'" in csp
    # The API itself keeps the strict policy.
    spec = api.get(f"{API}/openapi.json")
    assert "'unsafe-inline'" not in spec.headers["content-security-policy"]


def test_answers_with_tokens_or_secrets_are_not_stored(
    api: httpx.Client, customer: Account, admin_headers: Mapping[str, str]
) -> None:
    signed_in = api.post(
        f"{API}/auth/login", json={"email": customer.email, "password": customer.password}
    )
    assert_no_store(signed_in)
    refreshed = api.post(
        f"{API}/auth/refresh", json={"refresh_token": signed_in.json()["refresh_token"]}
    )
    assert_no_store(refreshed)
    key = api.post(f"{API}/api-keys", json={"name": "ci"}, headers=customer.headers)
    assert_no_store(key)
    assert key.json()["key"]
    endpoint = api.post(
        f"{API}/webhooks",
        json={"url": "https://hooks-nostore.invalid/x", "events": ["order.created"]},
        headers=dict(admin_headers),
    )
    assert_no_store(endpoint)
    rotated = api.post(
        f"{API}/webhooks/{created_webhook(api, dict(admin_headers))['id']}/rotate-secret",
        headers=dict(admin_headers),
    )
    assert_no_store(rotated)
    # Answers without secrets stay cacheable by whatever policy they had.
    assert "cache-control" not in api.get(f"{API}/users/me", headers=customer.headers).headers


def test_hsts_only_over_https_as_a_trusted_proxy_says(tmp_path: Path, server: LiveServer) -> None:
    https = {"X-Forwarded-Proto": "https"}
    # From an untrusted peer, the header proves nothing.
    assert (
        "strict-transport-security" not in httpx.get(f"{server.url}/healthz", headers=https).headers
    )
    database = server.settings.resolved_database_url
    with own_server(tmp_path, database, trusted_proxies="127.0.0.1") as live:
        secure = httpx.get(f"{live.url}/healthz", headers=https)
        assert secure.headers["strict-transport-security"].startswith("max-age=31536000")
        plain = httpx.get(f"{live.url}/healthz", headers={"X-Forwarded-Proto": "http"})
        assert "strict-transport-security" not in plain.headers


def test_no_cors_unless_origins_are_allowed(api: httpx.Client) -> None:
    preflight = api.options(
        f"{API}/products", headers={"Origin": SHOP, "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = api.get(f"{API}/products", headers={"Origin": SHOP})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_for_allowed_origins(
    tmp_path: Path, server: LiveServer, shared_customer: Account
) -> None:
    database = server.settings.resolved_database_url
    origins = f"{SHOP}, https://admin.example/"
    with (
        own_server(tmp_path, database, cors_origins=origins) as live,
        httpx.Client(base_url=live.url) as c,
    ):
        asks = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        }
        allowed = c.options(f"{API}/orders", headers={"Origin": SHOP, **asks})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == SHOP
        assert "POST" in allowed.headers["access-control-allow-methods"]
        granted = allowed.headers["access-control-allow-headers"].lower()
        assert {"authorization", "content-type", "idempotency-key"} <= {
            h.strip() for h in granted.split(",")
        }
        assert "access-control-allow-credentials" not in allowed.headers
        assert_hardened(allowed.headers)

        refused = c.options(f"{API}/orders", headers={"Origin": "https://evil.example", **asks})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers

        admin = c.get(f"{API}/products", headers={"Origin": "https://admin.example"})
        assert admin.headers["access-control-allow-origin"] == "https://admin.example"
        exposed = admin.headers["access-control-expose-headers"].lower()
        for name in ("ratelimit", "ratelimit-policy", "retry-after", "x-request-id"):
            assert name in exposed
        stranger = c.get(f"{API}/products", headers={"Origin": "https://evil.example"})
        assert stranger.status_code == 200
        assert "access-control-allow-origin" not in stranger.headers
        # Tokens are sent as headers, not cookies: credentials stay off unless configured.
        login_ok(c, shared_customer.email, shared_customer.password, headers={"Origin": SHOP})


def test_cors_credentials_when_configured(tmp_path: Path, server: LiveServer) -> None:
    database = server.settings.resolved_database_url
    with own_server(tmp_path, database, cors_origins=SHOP, cors_allow_credentials=True) as live:
        response = httpx.get(f"{live.url}/healthz", headers={"Origin": SHOP})
        assert response.headers["access-control-allow-origin"] == SHOP
        assert response.headers["access-control-allow-credentials"] == "true"
