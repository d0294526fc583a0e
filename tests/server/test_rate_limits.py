"""Rate limits: per API key, per user, per address, the auth buckets, proxies, faults.

Each test that needs low limits starts a server of its own on the shared database (so
the accounts of the main server work there), with limits per hour so that no window
ends while a test runs, however slow the machine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from pydantic import ValidationError

from platform_server.core.settings import Settings
from tests.conftest import Account, assert_problem, bearer
from tests.server.conftest import API, login, login_ok, mint_token, own_server, unique_email
from tests.servers import LiveServer, live_server, make_settings

PRODUCTS = f"{API}/products"


@pytest.fixture
def limited(tmp_path: Path, server: LiveServer) -> Iterator[Any]:
    """Starts a server with these limits beside the main one."""

    def start(**overrides: Any) -> Any:
        # The same database and signing secret: the main server's tokens work there.
        overrides.setdefault("jwt_secret", server.settings.jwt_secret)
        return own_server(tmp_path, server.settings.resolved_database_url, **overrides)

    yield start


def rejections(bucket: str) -> float:
    value = REGISTRY.get_sample_value("platform_rate_limit_rejections_total", {"bucket": bucket})
    return value or 0.0


def assert_limited(response: httpx.Response, bucket: str) -> dict[str, Any]:
    body = assert_problem(response, 429)
    assert body["type"] == "/problems/rate-limited"
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 3600
    assert f'"{bucket}";r=0;' in response.headers["ratelimit"]
    assert f'"{bucket}";q=' in response.headers["ratelimit-policy"]
    return body


def api_key(client: httpx.Client, account: Account, name: str) -> str:
    created = client.post(f"{API}/api-keys", json={"name": name}, headers=account.headers)
    assert created.status_code == 201, created.text
    key: str = created.json()["key"]
    return key


def test_every_answer_says_the_policy(api: httpx.Client, server: LiveServer) -> None:
    response = api.get(PRODUCTS)
    assert response.status_code == 200
    quota = server.settings.rate_limit_per_ip.split("/")[0]
    assert response.headers["ratelimit-policy"] == f'"ip";q={quota};w=60'
    assert response.headers["ratelimit"].startswith('"ip";r=')
    # Errors carry them too.
    missing = api.get(f"{API}/no-such-thing")
    assert_problem(missing, 404)
    assert "ratelimit" in missing.headers


def test_a_second_api_key_is_served_while_the_first_is_at_429(
    limited: Any, customer: Account
) -> None:
    before = rejections("api-key")
    with limited(rate_limit_per_api_key="3/hour") as live, httpx.Client(base_url=live.url) as c:
        first, second = api_key(c, customer, "greedy"), api_key(c, customer, "polite")
        for left in (2, 1, 0):
            ok = c.get(f"{API}/users/me", headers=bearer(first))
            assert ok.status_code == 200
            assert ok.headers["ratelimit"].startswith(f'"api-key";r={left};')
            assert ok.headers["ratelimit-policy"] == '"api-key";q=3;w=3600'
        body = assert_limited(c.get(f"{API}/users/me", headers=bearer(first)), "api-key")
        assert "API key" in body["detail"]
        assert c.get(f"{API}/users/me", headers=bearer(second)).status_code == 200
        # The user's own sessions are a bucket of their own.
        assert c.get(f"{API}/users/me", headers=customer.headers).status_code == 200
    assert rejections("api-key") == before + 1


def test_a_user_over_the_limit_does_not_slow_another(
    limited: Any, customer: Account, shared_customer: Account
) -> None:
    with limited(rate_limit_per_user="2/hour") as live, httpx.Client(base_url=live.url) as c:
        for _ in range(2):
            assert c.get(f"{API}/users/me", headers=customer.headers).status_code == 200
        assert_limited(c.get(f"{API}/users/me", headers=customer.headers), "user")
        assert c.get(f"{API}/users/me", headers=shared_customer.headers).status_code == 200


def test_a_forged_token_cannot_drain_someone_elses_bucket(
    limited: Any, server: LiveServer, customer: Account
) -> None:
    with limited(rate_limit_per_user="2/hour") as live, httpx.Client(base_url=live.url) as c:
        me = c.get(f"{API}/users/me", headers=customer.headers).json()
        forged = mint_token(live.settings, sub=me["id"], sid=me["id"], secret="x" * 40)
        for _ in range(5):
            assert_problem(c.get(f"{API}/users/me", headers=bearer(forged)), 401)
        # The forgeries were charged to the address, not to the customer.
        assert c.get(f"{API}/users/me", headers=customer.headers).status_code == 200


def test_bad_tokens_are_charged_to_the_address(limited: Any, customer: Account) -> None:
    with limited(rate_limit_per_ip="3/hour") as live, httpx.Client(base_url=live.url) as c:
        for _ in range(3):
            response = c.get(f"{API}/users/me", headers=bearer("not-a-token"))
            assert_problem(response, 401)
            assert response.headers["ratelimit"].startswith('"ip";')
        assert_limited(c.get(f"{API}/users/me", headers=bearer("not-a-token")), "ip")
        # Anonymous calls from there are refused too; a verified caller is not.
        assert_limited(c.get(PRODUCTS), "ip")
        assert c.get(f"{API}/users/me", headers=customer.headers).status_code == 200


def test_anonymous_calls_are_limited_per_address(limited: Any, api: httpx.Client) -> None:
    before = rejections("ip")
    with limited(rate_limit_per_ip="2/hour") as live, httpx.Client(base_url=live.url) as c:
        assert [c.get(PRODUCTS).status_code for _ in range(2)] == [200, 200]
        response = c.get(PRODUCTS)
        body = assert_limited(response, "ip")
        assert body["instance"] == PRODUCTS
        assert str(response.headers["retry-after"]) in body["detail"]
    assert rejections("ip") == before + 1
    # The counter is on /metrics (the main server: same process, same registry).
    scraped = api.get("/metrics").text  # from loopback: no token needed
    assert 'platform_rate_limit_rejections_total{bucket="ip"}' in scraped


def test_sign_in_has_a_bucket_per_account_and_address(limited: Any, customer: Account) -> None:
    stranger = unique_email("stranger")
    with (
        limited(rate_limit_auth_per_account="2/hour", rate_limit_auth_per_ip="6/hour") as live,
        httpx.Client(base_url=live.url) as c,
    ):
        for _ in range(2):
            assert_problem(login(c, stranger, "wrong-password"), 401)
        assert_limited(login(c, stranger.upper(), "wrong-password"), "auth-account")
        # The same form of the OAuth2 flow is the same bucket.
        form = c.post(f"{API}/auth/login", data={"username": stranger, "password": "x" * 8})
        assert_limited(form, "auth-account")
        # Someone hammering a stranger does not lock the customer out...
        tokens = login_ok(c, customer.email, customer.password)
        assert (
            "no-store"
            in c.post(
                f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
            ).headers["cache-control"]
        )
        # ...until the address's own cap (6 here) is spent: 2 + 2 + 1 + 1 so far.
        response = c.post(f"{API}/users", json={"email": unique_email(), "password": "p" * 12})
        assert_limited(response, "auth-ip")


def test_a_trusted_proxy_names_the_client(limited: Any) -> None:
    with (
        limited(rate_limit_per_ip="2/hour", trusted_proxies="127.0.0.1, 10.0.0.0/8") as live,
        httpx.Client(base_url=live.url) as c,
    ):

        def get(forwarded: str) -> httpx.Response:
            return c.get(PRODUCTS, headers={"X-Forwarded-For": forwarded})

        # The right-most address that is not a trusted proxy is the client.
        assert get("198.51.100.9, 203.0.113.5").status_code == 200
        assert get("203.0.113.5, 10.1.2.3").status_code == 200
        assert_limited(get("1.2.3.4, 203.0.113.5"), "ip")
        assert get("203.0.113.6").status_code == 200
        # A malformed header is ignored: the proxy itself is charged.
        assert get("203.0.113.7, not-an-address").status_code == 200
        assert get("").status_code == 200
        assert_limited(get("999.1.1.1"), "ip")


def test_the_login_throttle_sees_the_same_client(limited: Any) -> None:
    # Behind a trusted proxy, failed sign-ins are counted per forwarded address too.
    with (
        limited(trusted_proxies="127.0.0.1", login_max_failures_per_ip=2) as live,
        httpx.Client(base_url=live.url) as c,
    ):
        one, other = {"X-Forwarded-For": "203.0.113.10"}, {"X-Forwarded-For": "203.0.113.11"}
        for _ in range(2):
            assert_problem(login(c, unique_email(), "wrong-password", headers=one), 401)
        assert_problem(login(c, unique_email(), "wrong-password", headers=one), 429)
        assert_problem(login(c, unique_email(), "wrong-password", headers=other), 401)


def test_forwarded_for_from_an_untrusted_peer_is_ignored(limited: Any) -> None:
    with limited(rate_limit_per_ip="2/hour") as live, httpx.Client(base_url=live.url) as c:
        for forwarded in ("203.0.113.1", "203.0.113.2"):
            assert c.get(PRODUCTS, headers={"X-Forwarded-For": forwarded}).status_code == 200
        assert_limited(c.get(PRODUCTS, headers={"X-Forwarded-For": "203.0.113.3"}), "ip")
        assert_limited(c.get(PRODUCTS, headers={"X-Forwarded-For": "][garbage"}), "ip")


def test_redis_down_falls_back_to_memory(
    tmp_path: Path, server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="platform_server.gateway")
    # A closed port: every Redis call fails at once (and there is nothing to clean up).
    settings = make_settings(
        tmp_path,
        server.settings.resolved_database_url,
        rate_limit_per_ip="3/hour",
        redis_url="redis://127.0.0.1:9/0",
    )
    with live_server(settings) as live, httpx.Client(base_url=live.url) as c:
        statuses = [c.get(PRODUCTS).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        assert_limited(c.get(PRODUCTS), "ip")
        # Degraded, not failed: the process still serves (probes are never limited).
        ready = c.get("/readyz")
        assert "ratelimit" not in ready.headers
        assert ready.status_code == 200
        assert ready.json() == {"status": "degraded", "database": "ok", "redis": "degraded"}
    warnings = [
        r
        for r in caplog.records
        if r.name == "platform_server.gateway" and "Redis is unreachable" in r.getMessage()
    ]
    assert len(warnings) == 1


def test_limits_can_be_turned_off(limited: Any) -> None:
    with (
        limited(rate_limit_enabled=False, rate_limit_per_ip="1/hour") as live,
        httpx.Client(base_url=live.url) as c,
    ):
        responses = [c.get(PRODUCTS) for _ in range(3)]
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert "ratelimit" not in responses[-1].headers


@pytest.mark.parametrize("value", ["lots", "0/minute", "10/fortnight", ""])
def test_a_bad_limit_setting_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="rate_limit_per_ip"):
        Settings(rate_limit_per_ip=value)


def test_numbers_mean_per_second_and_bad_proxies_are_refused() -> None:
    assert Settings(rate_limit_per_user=50).rate_limit_per_user == "50/second"
    assert Settings(rate_limit_per_user="10 per minute").rate_limit_per_user == "10 per minute"
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(trusted_proxies="10.0.0.0/8, proxy.example")


def test_openapi_lists_the_429_everywhere(api: httpx.Client) -> None:
    doc = api.get(f"{API}/openapi.json").json()
    for path, ops in doc["paths"].items():
        for op in ops.values():
            # Probes are never limited.
            assert ("429" in op["responses"]) is (path not in ("/healthz", "/readyz")), path
    products = doc["paths"][PRODUCTS]["get"]["responses"]["429"]
    assert {"Retry-After", "RateLimit", "RateLimit-Policy"} <= set(products["headers"])
