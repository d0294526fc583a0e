"""`platform notifications …` against the live server (and one of its own for retries)."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from typer.testing import CliRunner

from platform_sdk import Client
from tests.cli.conftest import Cli
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, isolated_server

HEADER = ["ID", "CHANNEL", "TO", "TEMPLATE", "STATUS", "ATTEMPTS", "CREATED"]
T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], what: str, seconds: float = 10.0) -> T:
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def sent_welcome(cli: Cli, user_id: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        found = cli.json("notifications", "list", "--user", user_id, "--template", "welcome")
        return found[0] if found and found[0]["status"] == "sent" else None

    return wait_for(probe, "the welcome email")


def test_list_get_and_refused_retry(admin_cli: Cli, make_user: Any) -> None:
    other, user = make_user(), make_user(name="Cli Notify")
    sent_welcome(admin_cli, other.id)
    welcome = sent_welcome(admin_cli, user.id)
    assert (welcome["recipient"], welcome["channel"]) == (user.email, "email")

    lines = admin_cli.ok("notifications", "list", "--user", user.id).stdout.splitlines()
    assert lines[0].split("\t") == HEADER
    assert lines[1].split("\t")[:5] == [welcome["id"], "email", user.email, "welcome", "sent"]
    assert admin_cli.json("notifications", "list", "--user", user.id, "--channel", "sms") == []
    newest = admin_cli.json("notifications", "list", "--status", "sent", "-L", "1")
    assert len(newest) == 1 and newest[0]["status"] == "sent"
    assert len(admin_cli.json("notifications", "list", "--template", "welcome", "-L", "2")) == 2

    shown = admin_cli.json("notifications", "get", welcome["id"])
    assert shown == welcome
    table = admin_cli.ok("notifications", "get", welcome["id"]).stdout
    assert f"id\t{welcome['id']}" in table and "template\twelcome" in table
    assert "Hello Cli Notify" in table

    dry = admin_cli.json("notifications", "retry", welcome["id"], "--dry-run")
    assert dry["dry_run"] is True and dry["changes"]["status"] == {"from": "sent", "to": "queued"}
    sent = admin_cli.run("notifications", "retry", welcome["id"], "--yes")
    assert sent.exit_code == 1 and "(409, request " in sent.stderr
    # destructive without a terminal: --yes is needed
    assert admin_cli.run("notifications", "retry", welcome["id"]).exit_code == 2

    missing = admin_cli.run("notifications", "get", str(uuid.uuid4()))
    assert missing.exit_code == 5
    assert admin_cli.run("notifications", "list", "--status", "lost").exit_code == 2


def test_customers_list_their_own(cli: Cli, make_user: Any) -> None:
    user = make_user()
    assert cli.login(user.email, user.password).exit_code == 0
    welcome = sent_welcome(cli, user.id)
    mine = cli.json("notifications", "list", "--all")
    assert {n["user_id"] for n in mine} == {user.id} and welcome["id"] in {n["id"] for n in mine}
    denied = cli.run("notifications", "retry", welcome["id"], "--yes")
    assert denied.exit_code == 1 and "(403, request " in denied.stderr


def test_profile_sms_opt_in(admin_cli: Cli, make_user: Any, sdk: Client) -> None:
    user = make_user()
    on = admin_cli.json(
        "users", "profile", "set", user.id, "--phone", "+4712345678", "--sms-opt-in"
    )
    assert on["sms_opt_in"] is True and on["phone"] == "+4712345678"
    # kept when not given ...
    kept = admin_cli.json("users", "profile", "set", user.id, "--bio", "Hi")
    assert kept["sms_opt_in"] is True
    # ... and turned off on request
    off = admin_cli.json("users", "profile", "set", user.id, "--no-sms-opt-in")
    assert off["sms_opt_in"] is False and sdk.users.profile.get(user.id).sms_opt_in is False
    assert "sms_opt_in\tfalse" in admin_cli.ok("users", "profile", "get", user.id).stdout.lower()


def test_retry_a_failed_email(tmp_path: Path, config_dir: Path, memory_keyring: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])  # closed again: nothing listens there
    with isolated_server(
        tmp_path,
        email_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        notification_retry_seconds=[],
    ) as live:
        cli = Cli(live.url, config_dir, CliRunner())
        assert cli.login(ADMIN_EMAIL, ADMIN_PASSWORD).exit_code == 0

        def failed() -> dict[str, Any] | None:
            found = cli.json("notifications", "list", "--status", "failed")
            return found[0] if found else None

        with Client(live.url) as admin:
            admin.auth.login(email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
            admin.users.create(
                email=f"cli-{uuid.uuid4().hex[:10]}@example.com",
                password="tidal-lantern-42",
                name="Unlucky",
            )
        first = wait_for(failed, "a failed email")
        assert first["attempts"] == 1 and first["last_error"]
        retried = cli.json("notifications", "retry", first["id"], "--yes")
        assert retried["id"] == first["id"] and retried["status"] == "queued"
        wait_for(lambda: (n := failed()) is not None and n["attempts"] == 2, "the second failure")
