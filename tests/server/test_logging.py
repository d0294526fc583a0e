"""Structured logs, read from a real `platform server run` process's stderr."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from platform_server.core.logging import (
    REDACTED,
    configure_structlog,
    formatter,
    get_logger,
    redact_secrets,
)
from tests import servers
from tests.server.events.helpers import (
    API,
    events_of,
    place_order,
    stop_process,
    wait_for,
    worker_env,
)
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD

CLI = [sys.executable, "-c", "from platform_cli.main import run; run()"]


@dataclass
class LoggedServer:
    url: str
    stderr: Path

    def lines(self) -> list[str]:
        return [line for line in self.stderr.read_text().splitlines() if line.strip()]

    def records(self) -> list[dict[str, Any]]:
        """Every line, each of which must be one JSON object."""
        records = []
        for line in self.lines():
            record = json.loads(line)
            assert isinstance(record, dict), line
            records.append(record)
        return records


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def logged_server(tmp_path: Path, log_format: str) -> Iterator[LoggedServer]:
    """`platform server run` in a process of its own, its stderr kept in a file."""
    with servers.test_database(tmp_path) as url:
        settings = servers.make_settings(tmp_path, url)
        servers.prepare_database(settings)
        env = servers.process_env(
            settings,
            tmp_path,
            PLATFORM_LOG_FORMAT=log_format,
            PLATFORM_LOG_LEVEL="info",
            PLATFORM_DISPATCH_POLL_SECONDS="0.1",
            PLATFORM_REDIS_PREFIX=settings.redis_prefix,
        )
        if settings.redis_url:
            env["PLATFORM_REDIS_URL"] = settings.redis_url
        port = _port()
        stderr = tmp_path / f"server-{log_format}.log"
        with stderr.open("wb") as err:
            process = subprocess.Popen(
                [*CLI, "server", "run", "--port", str(port), "--no-migrate"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        live = LoggedServer(f"http://127.0.0.1:{port}", stderr)
        try:
            wait_for(lambda: _answers(live.url, process), timeout=60, what="the server to start")
            yield live
        finally:
            stop_process(process)
            servers.drop_redis_prefix(settings)


def _answers(url: str, process: subprocess.Popen[bytes]) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"the server exited with {process.returncode}")
    try:
        return httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def _sign_in(client: httpx.Client) -> str:
    response = client.post(
        f"{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _access_line(records: list[dict[str, Any]], request_id: str) -> dict[str, Any]:
    found = [
        r
        for r in records
        if r.get("logger") == "platform_server.access" and r.get("request_id") == request_id
    ]
    assert len(found) == 1, f"{len(found)} access lines for {request_id}"
    return found[0]


def test_json_lines_name_the_request_and_its_caller_never_the_credential(tmp_path: Path) -> None:
    with logged_server(tmp_path, "json") as live, httpx.Client(base_url=live.url) as client:
        token = _sign_in(client)
        me = client.get(
            f"{API}/users/me",
            headers={"Authorization": f"Bearer {token}", "X-Request-Id": "logs-me-1"},
        )
        assert me.status_code == 200, me.text
        assert me.headers["x-request-id"] == "logs-me-1"
        user_id = me.json()["id"]

        # The order's notification is sent by the embedded dispatcher: its lines carry
        # the event and the delivery they handle.
        client.headers["Authorization"] = f"Bearer {token}"
        order_id = place_order(client, "Logged")["id"]
        del client.headers["Authorization"]

        created = client.post(
            f"{API}/api-keys",
            json={"name": "log test", "scopes": ["account:read", "orders:write"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201, created.text
        key, key_id = created.json()["key"], created.json()["id"]
        # No X-Request-Id sent: the server makes one and logs the one it sends back.
        by_key = client.get(f"{API}/orders/{order_id}", headers={"Authorization": f"Bearer {key}"})
        assert by_key.status_code == 200, by_key.text
        generated_id = by_key.headers["x-request-id"]

        missing = client.get("/no-such-page", headers={"X-Request-Id": "logs-404"})
        assert missing.status_code == 404
        wait_for(
            lambda: any("delivery_id" in line for line in live.lines()),
            what="a notification's log line",
        )

    records = live.records()  # every line parses as one JSON object
    text = live.stderr.read_text()
    assert token not in text and key not in text
    assert ADMIN_PASSWORD not in text

    line = _access_line(records, "logs-me-1")
    assert line["user_id"] == user_id
    assert (line["method"], line["route"], line["status"]) == ("GET", "/api/v1/users/me", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "info" and line["event"] == "request" and "timestamp" in line

    keyed = _access_line(records, generated_id)
    assert (keyed["user_id"], keyed["api_key_id"]) == (user_id, key_id)
    assert keyed["route"] == "/api/v1/orders/{id}"
    assert keyed["path"] == f"/api/v1/orders/{order_id}"

    unrouted = _access_line(records, "logs-404")
    assert unrouted["route"] is None and unrouted["status"] == 404 and "user_id" not in unrouted

    # uvicorn's own lines are JSON too.
    assert any(r.get("logger", "").startswith("uvicorn") for r in records)
    sent = [r for r in records if "delivery_id" in r]
    assert sent and all(r.get("event_id") for r in sent)


def test_console_lines_are_for_people(tmp_path: Path) -> None:
    with logged_server(tmp_path, "console") as live, httpx.Client(base_url=live.url) as client:
        answer = client.get(f"{API}/products", headers={"X-Request-Id": "logs-console-1"})
        assert answer.status_code == 200
        wait_for(
            lambda: any("logs-console-1" in line for line in live.lines()), what="the access line"
        )
    (line,) = [line for line in live.lines() if "logs-console-1" in line]
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
    for part in ("request", "method=GET", "route=/api/v1/products", "status=200"):
        assert part in line, line


def test_secrets_are_redacted_before_rendering() -> None:
    event = redact_secrets(
        None,
        "info",
        {
            "event": "calling with Authorization: Bearer abc.def-123",
            "password": "hunter2",
            "refresh_token": "r-1",
            "headers": {"Authorization": "Basic dXNlcjpwYXNz", "Accept": "text/plain"},
            "api_key": "pk_live_1",
            "api_key_id": "0b1e",
            "user_id": "u-1",
        },
    )
    assert event["password"] == event["refresh_token"] == event["api_key"] == REDACTED
    assert event["headers"] == {"Authorization": REDACTED, "Accept": "text/plain"}
    assert event["event"] == f"calling with Authorization: Bearer {REDACTED}"
    assert (event["api_key_id"], event["user_id"]) == ("0b1e", "u-1")  # ids are not secrets


def test_a_logged_secret_never_reaches_the_stream(capsys: pytest.CaptureFixture[str]) -> None:
    """Through both pipelines: a structlog line (written by structlog itself) and a
    standard library line (through the handler's formatter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json"))
    target = logging.getLogger("platform_server.tests.redaction")
    target.addHandler(handler)
    target.setLevel(logging.INFO)
    target.propagate = False
    configure_structlog("info", "json")
    try:
        log = get_logger("platform_server.tests.redaction")
        log.warning("signed in", password="hunter2", client_secret="s3cr3t", user_id="u-9")
        log.debug("below the level", token="t0")
        target.info("retrying with Bearer tok.en-xyz")
    finally:
        target.removeHandler(handler)
    (ours,) = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    (theirs,) = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (ours["event"], ours["password"], ours["client_secret"]) == (
        "signed in",
        REDACTED,
        REDACTED,
    )
    assert ours["user_id"] == "u-9" and ours["level"] == "warning"
    assert ours["logger"] == "platform_server.tests.redaction"
    assert theirs["event"] == f"retrying with Bearer {REDACTED}"
    assert theirs["logger"] == "platform_server.tests.redaction" and theirs["level"] == "info"
    assert "tok.en-xyz" not in stream.getvalue()


BROKER_URL = os.environ.get("PLATFORM_TEST_BROKER_URL")


@pytest.mark.broker
@pytest.mark.skipif(
    not BROKER_URL, reason="RabbitMQ not configured: set PLATFORM_TEST_BROKER_URL to run this test"
)
def test_worker_lines_carry_the_event_id(tmp_path: Path) -> None:
    """`platform worker run` as its own process: each handled event's lines name it."""
    import asyncio

    from platform_server.events.broker import delete_topology

    with servers.isolated_server(tmp_path, broker_url=BROKER_URL) as live:
        settings = live.settings
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
        env = {**worker_env(settings, environ), "PLATFORM_LOG_FORMAT": "json"}
        stderr = tmp_path / "worker.log"
        with stderr.open("wb") as err:
            process = subprocess.Popen(
                [*CLI, "worker", "run"], env=env, stdout=subprocess.DEVNULL, stderr=err
            )
        logs = LoggedServer(live.url, stderr)
        try:
            with httpx.Client(base_url=live.url, timeout=30) as client:
                token = _sign_in(client)
                headers = {"Authorization": f"Bearer {token}"}
                product = client.post(
                    f"{API}/products",
                    json={
                        "sku": os.urandom(5).hex(),
                        "name": "Worker logs",
                        "price": "1.00",
                        "category": "logs",
                    },
                    headers=headers,
                )
                assert product.status_code == 201, product.text
                (event,) = events_of(client, headers, product.json()["id"], "product.created")
            wait_for(
                lambda: any(
                    r.get("event") == "event handled" and r.get("event_id") == event["id"]
                    for r in logs.records()
                ),
                timeout=30,
                what="the worker's line for the event",
            )
        finally:
            stop_process(process)
            asyncio.run(delete_topology(settings))
    (line,) = [r for r in logs.records() if r.get("event_id") == event["id"]]
    assert line["event_type"] == event["type"] and line["logger"] == "platform_server.worker"
    assert token not in stderr.read_text()
