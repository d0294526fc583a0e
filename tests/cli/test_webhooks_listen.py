"""`platform webhooks listen` as a developer runs it: a real subprocess following the test
server's events, forwarding them to a local receiver that verifies every signature."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from platform_sdk import Client, webhooks
from tests.cli.conftest import Cli

WAIT = 60  # seconds: an upper bound on a slow machine, never a pace the test relies on


class Receiver(ThreadingHTTPServer):
    """A local webhook receiver: every request (path, headers, raw body) into a queue."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: queue.Queue[tuple[str, dict[str, str], bytes]] = queue.Queue()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.received.put((self.path, dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _lines(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def _as_from_a_terminal() -> None:
    """Ctrl-C reaches the child as from a shell: neither ignored nor blocked. A child
    inherits both from the process that starts it, and this test process runs whatever
    the suite ran before it on the same worker."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _signal_state(pid: int) -> str:
    """The kernel's view of a process's signals (pending, blocked, ignored, caught)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return ""
    return "".join(line for line in status.read_text().splitlines(True) if line.startswith("Sig"))


def _wait_for(lines: queue.Queue[str], prefix: str) -> str:
    while True:
        line = lines.get(timeout=WAIT)
        if prefix in line:
            return line


def test_listen_forwards_signed_events_until_ctrl_c(
    sdk: Client, receiver: Receiver, tmp_path: Path
) -> None:
    key = sdk.api_keys.create(name=f"listen-{uuid.uuid4().hex[:6]}", scopes=["events:read"])
    env = {
        **os.environ,
        "PLATFORM_CONFIG_DIR": str(tmp_path),
        "PLATFORM_BASE_URL": str(sdk.base_url),
        "PLATFORM_API_KEY": str(key.key),
        "PLATFORM_LOG": "off",
    }
    env.pop("PLATFORM_PROFILE", None)
    args = ["webhooks", "listen", "--forward-to", receiver.url, "--events", "order.created"]
    process = subprocess.Popen(
        [sys.executable, "-m", "platform_cli", *args],
        env={**env, "PYTHONFAULTHANDLER": "1"},
        preexec_fn=_as_from_a_terminal,  # before exec, in the child: no threads there yet
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors: queue.Queue[str] = queue.Queue()
    shown: queue.Queue[str] = queue.Queue()
    try:
        threading.Thread(target=_lines, args=(process.stderr, errors), daemon=True).start()
        threading.Thread(target=_lines, args=(process.stdout, shown), daemon=True).start()
        secret = _wait_for(errors, "Signing secret").rsplit(" ", 1)[-1].strip()
        assert secret.startswith("whsec_")

        tag = uuid.uuid4().hex[:8]
        product = sdk.products.create(
            sku=f"L{tag}", name="Listen lamp", price="12.50", category=f"listen-{tag}", stock=3
        )
        order = sdk.orders.create(items=[{"product_id": product.id, "quantity": 1}])

        path, headers, body = receiver.received.get(timeout=WAIT)
        assert path == "/hook" and headers["Platform-Event"] == "order.created"
        event = webhooks.verify(body, headers, secret)  # raises unless signed with it
        assert event["type"] == "order.created" and event["data"]["id"] == str(order.id)
        assert headers["webhook-id"] == event["id"]
        with pytest.raises(webhooks.WebhookVerificationError):
            webhooks.verify(body, headers, webhooks.generate_secret())
        # Each delivery is shown with the receiver's answer and how long it took.
        line = _wait_for(shown, str(event["id"]))
        assert "order.created" in line and "-> 204 (" in line and " ms)" in line
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            # Say why: the signal's state, then where each thread was (faulthandler).
            state = _signal_state(process.pid)
            process.send_signal(signal.SIGABRT)
            process.wait(timeout=WAIT)
            stacks = "".join(errors.get() for _ in range(errors.qsize()))
            pytest.fail(f"Ctrl-C did not stop `webhooks listen`:\n{state}{stacks}")
    assert process.returncode == 0


def test_listen_checks_the_url(admin_cli: Cli) -> None:
    bad = admin_cli.run("webhooks", "listen", "--forward-to", "localhost:9999")
    assert bad.exit_code == 2 and "--forward-to takes an http://" in bad.stderr


def test_a_failed_forward_is_shown_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    import httpx

    from platform_cli.commands.webhooks.listen import _forward, _show
    from platform_cli.output import Output

    event = SimpleEvent(id=uuid.uuid4(), type="order.paid")
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"
    with httpx.Client(timeout=5) as http:
        result = _forward(http, url, webhooks.generate_secret(), event)
    assert result["status"] is None and "Connect" in result["error"]
    _show(Output("table", tty=False, color=False, spinner=False), event, result)
    assert "order.paid" in capsys.readouterr().out
    _show(Output("json", tty=False, color=False, spinner=False), event, result)
    line = capsys.readouterr().out
    assert '"status":null' in line and '"type":"order.paid"' in line


class SimpleEvent:
    def __init__(self, id: uuid.UUID, type: str) -> None:
        self.id, self.type = id, type

    def model_dump_json(self) -> str:
        return f'{{"id": "{self.id}", "type": "{self.type}"}}'
