"""A neighbour dies mid-transaction: the surviving API process keeps answering.

Two real `platform server run` processes share one PostgreSQL database. Both place
orders for the same product, so the victim's transactions take that product's
stock row lock; the victim is then killed with SIGKILL, mid-transaction. Every
request the survivor was handling, or got afterwards, must be answered (201, or a
fast 503 problem+json with Retry-After while a lock or connection is out of reach)
within a bound far below the 30 s a request used to hang, and orders succeed again
right after. Asserted per request, never on the test's own duration.
"""

from __future__ import annotations

import os
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests import servers
from tests.conftest import assert_problem
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, prepare_database
from tests.topology.conftest import Process, _start, _stop, _wait_until_answering

API = "/api/v1"
# The survivor's own limits, set low so a blocked request gives up well inside BOUND.
LOCK_AND_POOL_TIMEOUT_SECONDS = 1
# Far above what the survivor needs (LOCK_AND_POOL_TIMEOUT_SECONDS plus the work of one
# request on a busy machine), far below the 30 s pool timeout of before: cannot flake.
BOUND_SECONDS = 8.0
CLIENT_TIMEOUT_SECONDS = 25.0

pytestmark = [pytest.mark.postgres]


@dataclass
class Answer:
    started: float
    elapsed: float
    response: httpx.Response | None
    error: str = ""


def _postgres_url() -> str | None:
    url = os.environ.get("PLATFORM_TEST_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[list[Process]]:
    if _postgres_url() is None:
        pytest.skip("a process dying mid-transaction needs PostgreSQL (PLATFORM_TEST_DATABASE_URL)")
    # Through the module: a name starting with test_ here would be collected as a test.
    with servers.test_database(tmp_path) as database_url:
        settings = make_settings(tmp_path, database_url)
        prepare_database(settings)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
        env.update(
            {
                "PLATFORM_DATA_DIR": str(tmp_path / "data"),
                "PLATFORM_DATABASE_URL": database_url,
                "PLATFORM_JWT_SECRET": settings.signing_secret,
                "PLATFORM_RATE_LIMIT_ENABLED": "false",
                "PLATFORM_LOGIN_MAX_FAILURES_PER_IP": "100000",
                "PLATFORM_LOG_LEVEL": "warning",
                "PLATFORM_DATABASE_LOCK_TIMEOUT_SECONDS": str(LOCK_AND_POOL_TIMEOUT_SECONDS),
                "PLATFORM_DATABASE_POOL_TIMEOUT_SECONDS": str(LOCK_AND_POOL_TIMEOUT_SECONDS),
            }
        )
        logs = tmp_path / "logs"
        logs.mkdir()
        processes: list[Process] = []
        try:
            for name in ("survivor", "victim"):
                port = servers._free_port()
                process = _start(
                    name, ["server", "run", "--no-migrate", "--port", str(port)], env, logs
                )
                process.url = f"http://127.0.0.1:{port}"
                processes.append(process)
            for process in processes:
                _wait_until_answering(process, f"{process.url}/readyz", {})
            yield processes
        finally:
            for process in processes:
                _stop(process)


def _admin_headers(url: str) -> dict[str, str]:
    login = httpx.post(
        f"{url}{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _place(client: httpx.Client, product_id: str) -> Answer:
    started = time.monotonic()
    try:
        response = client.post(
            f"{API}/orders", json={"items": [{"product_id": product_id, "quantity": 1}]}
        )
    except httpx.HTTPError as exc:  # the victim's clients see their server vanish
        return Answer(started, time.monotonic() - started, None, type(exc).__name__)
    return Answer(started, time.monotonic() - started, response)


def test_the_survivor_answers_fast_when_its_neighbour_is_killed_mid_transaction(
    pair: list[Process],
) -> None:
    survivor, victim = pair
    headers = _admin_headers(survivor.url)
    created = httpx.post(
        f"{survivor.url}{API}/products",
        headers=headers,
        json={
            "sku": f"DEAD-{secrets.token_hex(4)}",
            "name": "Hot product",
            "price": "5.00",
            "category": "topology",
            "stock": 100_000,
        },
    )
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]

    stop = threading.Event()
    survivor_answers: list[Answer] = []
    victim_committed = threading.Event()

    def load(url: str, answers: list[Answer] | None) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=CLIENT_TIMEOUT_SECONDS) as c:
            while not stop.is_set():
                answer = _place(c, product_id)
                if answers is not None:
                    answers.append(answer)
                elif answer.response is not None and answer.response.status_code == 201:
                    victim_committed.set()
                elif answer.response is None:
                    return

    threads = [threading.Thread(target=load, args=(victim.url, None)) for _ in range(6)]
    threads += [
        threading.Thread(target=load, args=(survivor.url, survivor_answers)) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    try:
        # Both processes are placing orders for the one product: kill the victim now,
        # while its other requests are inside their transactions.
        assert victim_committed.wait(60), victim.output()
        os.killpg(victim.popen.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        victim.popen.wait(timeout=30)
        # The survivor keeps taking orders for a while after the kill.
        while time.monotonic() - killed_at < 3 and all(t.is_alive() for t in threads[6:]):
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=CLIENT_TIMEOUT_SECONDS + 5)

    assert victim.popen.returncode == -signal.SIGKILL
    after = [a for a in survivor_answers if a.started + a.elapsed >= killed_at]
    assert after, "the survivor answered nothing after the kill"
    for answer in survivor_answers:
        assert answer.response is not None, f"the survivor failed a request: {answer.error}"
        assert answer.elapsed < BOUND_SECONDS, (answer.elapsed, answer.response.text)
        if answer.response.status_code != 201:
            assert_problem(answer.response, 503)
            assert answer.response.headers["retry-after"]
    # Recovered: the next order through the survivor goes through.
    with httpx.Client(base_url=survivor.url, headers=headers, timeout=BOUND_SECONDS) as client:
        final = _place(client, product_id)
    assert final.response is not None and final.response.status_code == 201, final
