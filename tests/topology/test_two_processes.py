"""What N stateless API processes must share: tokens, limits, cache, idempotency, events.

Every test talks to both API processes of the `cluster` fixture over real HTTP. A
test passes only if the processes agree through PostgreSQL, Redis and RabbitMQ,
because nothing else connects them.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from typing import Any

import httpx
import pytest

from tests.conftest import assert_problem
from tests.topology.conftest import KEY_LIMIT, METRICS_TOKEN, Cluster

API = "/api/v1"

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.broker]


def _product(cluster: Cluster, *, via: int = 0, stock: int = 10) -> dict[str, Any]:
    created = httpx.post(
        f"{cluster.api[via].url}{API}/products",
        headers=cluster.admin_headers,
        json={
            "sku": f"TOPO-{secrets.token_hex(4)}",
            "name": "Two-process test",
            "price": "10.00",
            "category": "topology",
            "stock": stock,
        },
    )
    assert created.status_code == 201, created.text
    product: dict[str, Any] = created.json()
    return product


def test_a_token_issued_by_one_process_works_on_the_other(cluster: Cluster) -> None:
    login = httpx.post(
        f"{cluster.api[0].url}{API}/auth/login",
        json={"email": "admin@tests.platform.test", "password": "admin-password-123"},
    )
    assert login.status_code == 200, login.text
    tokens = login.json()
    me = httpx.get(
        f"{cluster.api[1].url}{API}/users/me",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "admin@tests.platform.test"
    # The refresh token, issued by the first, is rotated by the second; the first then
    # refuses the old one, because both read the same session table.
    refreshed = httpx.post(
        f"{cluster.api[1].url}{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    reused = httpx.post(
        f"{cluster.api[0].url}{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert_problem(reused, 401)


def test_a_product_changed_through_one_is_read_fresh_through_the_other(cluster: Cluster) -> None:
    product = _product(cluster)
    detail = f"{cluster.api[1].url}{API}/products/{product['id']}"
    listing = f"{cluster.api[1].url}{API}/products?category=topology&limit=100"
    # Anonymous reads are the cached ones: read twice so the second process holds them.
    for _ in range(2):
        assert httpx.get(detail).json()["price"] == "10.00"
        assert any(p["id"] == product["id"] for p in httpx.get(listing).json()["data"])
    changed = httpx.patch(
        f"{cluster.api[0].url}{API}/products/{product['id']}",
        headers=cluster.admin_headers,
        json={"price": "12.50"},
    )
    assert changed.status_code == 200, changed.text
    # The very next request to the other process sees the new price.
    assert httpx.get(detail).json()["price"] == "12.50"
    listed = {p["id"]: p for p in httpx.get(listing).json()["data"]}
    assert listed[product["id"]]["price"] == "12.50"


def test_one_idempotency_key_sent_to_both_at_once_makes_one_order(cluster: Cluster) -> None:
    product = _product(cluster, stock=10)
    key = secrets.token_hex(16)
    barrier = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def place(process: int) -> None:
        barrier.wait()
        answers.append(
            httpx.post(
                f"{cluster.api[process].url}{API}/orders",
                headers={**cluster.admin_headers, "Idempotency-Key": key},
                json={"items": [{"product_id": product["id"], "quantity": 3}]},
                timeout=60,
            )
        )

    threads = [threading.Thread(target=place, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in answers)
    # Either the twin waited and got the stored answer, or it was told the key is busy.
    assert statuses in ([201, 201], [201, 409]), [r.text for r in answers]
    order_ids = {r.json()["id"] for r in answers if r.status_code == 201}
    assert len(order_ids) == 1
    for r in answers:
        if r.status_code == 409:
            assert r.headers["content-type"].startswith("application/problem+json")
    # Stock was reserved once.
    stock = httpx.get(
        f"{cluster.api[1].url}{API}/products/{product['id']}/inventory",
        headers=cluster.admin_headers,
    ).json()
    assert (stock["reserved"], stock["available"]) == (3, 7)


def _events(
    url: str,
    headers: dict[str, str],
    into: list[dict[str, Any]],
    connected: threading.Event,
    enough: threading.Event,
) -> None:
    """Every event of the stream into `into`, until `enough` is set."""
    with (
        httpx.Client(timeout=httpx.Timeout(10, read=60)) as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith(": connected"):
                connected.set()
            if line.startswith("data:"):
                into.append(json.loads(line.partition(":")[2]))
            if enough.is_set():
                return


def test_an_event_written_through_one_appears_on_the_others_stream(cluster: Cluster) -> None:
    url = f"{cluster.api[1].url}{API}/events/stream?type=product.created"
    received: list[dict[str, Any]] = []
    connected, enough = threading.Event(), threading.Event()
    reader = threading.Thread(
        target=_events, args=(url, cluster.admin_headers, received, connected, enough), daemon=True
    )
    reader.start()
    assert connected.wait(30), "the stream did not open"
    product = _product(cluster, via=0)
    # The module's other tests make products too: one of theirs committed just before the
    # stream opened may come first. What matters is that this one arrives.
    ours: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while not ours and time.monotonic() < deadline:
        ours = [e for e in list(received) if e["data"]["id"] == product["id"]]
        time.sleep(0.05)
    enough.set()
    assert ours, f"no event of {product['id']} reached the other process's stream: {received}"
    assert ours[0]["type"] == "product.created"


def test_metrics_of_each_api_process_and_of_the_worker_answer(cluster: Cluster) -> None:
    token = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    for api in cluster.api:
        httpx.get(f"{api.url}{API}/products?limit=1")
        scraped = httpx.get(f"{api.url}/metrics", headers=token)
        assert scraped.status_code == 200, scraped.text
        assert scraped.headers["content-type"].startswith("text/plain")
        assert "platform_http_request_duration_seconds_bucket" in scraped.text
        assert 'route="/api/v1/products"' in scraped.text
        assert "platform_outbox_backlog" in scraped.text
        refused = httpx.get(f"{api.url}/metrics")
        assert refused.status_code == 401
    worker = httpx.get(cluster.worker_metrics_url)
    assert worker.status_code == 200
    assert "platform_" in worker.text


def _api_key(cluster: Cluster, name: str) -> str:
    created = httpx.post(
        f"{cluster.api[0].url}{API}/api-keys", headers=cluster.admin_headers, json={"name": name}
    )
    assert created.status_code == 201, created.text
    key: str = created.json()["key"]
    return key


def test_the_rate_limit_is_shared_by_both_processes(cluster: Cluster) -> None:
    noisy = {"Authorization": f"Bearer {_api_key(cluster, 'noisy')}"}
    quiet = {"Authorization": f"Bearer {_api_key(cluster, 'quiet')}"}
    answers = [
        httpx.get(f"{cluster.api[i % 2].url}{API}/users/me", headers=noisy)
        for i in range(KEY_LIMIT + 6)
    ]
    statuses = [r.status_code for r in answers]
    # Split across both processes, the key is refused at the limit, not at twice it.
    assert statuses[:KEY_LIMIT] == [200] * KEY_LIMIT, statuses
    assert set(statuses[KEY_LIMIT:]) == {429}, statuses
    refused = answers[-1]
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert "RateLimit-Policy" in refused.headers
    # Both processes refuse it, and another key is still served by both.
    assert {answers[-1].status_code, answers[-2].status_code} == {429}
    for api in cluster.api:
        assert httpx.get(f"{api.url}{API}/users/me", headers=quiet).status_code == 200


def test_every_log_line_is_json_and_a_request_carries_its_id(cluster: Cluster) -> None:
    request_id = f"topology-{secrets.token_hex(6)}"
    answered = httpx.get(
        f"{cluster.api[1].url}{API}/users/me",
        headers={**cluster.admin_headers, "X-Request-Id": request_id},
    )
    assert answered.status_code == 200
    # The access line is written once the response has gone: wait for it to appear.
    deadline = time.monotonic() + 30
    access: list[dict[str, Any]] = []
    while not access and time.monotonic() < deadline:
        lines = [json.loads(line) for line in cluster.api[1].log.read_text().splitlines() if line]
        access = [line for line in lines if line.get("request_id") == request_id]
        time.sleep(0.1)
    assert access, "no log line carries the request id"
    assert access[-1]["route"] == "/api/v1/users/me"
    assert access[-1]["status"] == 200
    assert access[-1]["user_id"]
    assert cluster.admin_token not in cluster.api[1].log.read_text()
    for line in cluster.worker.log.read_text().splitlines():
        json.loads(line)


def test_both_processes_send_the_hardening_headers_and_no_banner(cluster: Cluster) -> None:
    for api in cluster.api:
        answer = httpx.get(f"{api.url}{API}/products?limit=1")
        assert answer.status_code == 200
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "content-security-policy" in answer.headers
        assert "referrer-policy" in answer.headers
        assert "server" not in answer.headers
        # Plain HTTP from a peer that is no trusted proxy: no HSTS.
        assert "strict-transport-security" not in answer.headers
        login = httpx.post(
            f"{api.url}{API}/auth/login",
            json={"email": "admin@tests.platform.test", "password": "admin-password-123"},
        )
        assert login.headers["cache-control"] == "no-store"
