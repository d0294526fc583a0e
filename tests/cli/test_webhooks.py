"""`platform webhooks …` against the live server.

Endpoints point at `.invalid` names (never resolvable): deliveries fail on DNS and are
retried later, and nothing leaves the machine.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from platform_sdk import Client
from tests.cli.conftest import Cli

HEADER = ["ID", "URL", "EVENTS", "ACTIVE", "FAILING SINCE", "CREATED"]
DELIVERY_HEADER = ["ID", "EVENT", "STATUS", "ATTEMPTS", "CODE", "NEXT ATTEMPT", "CREATED"]


def quiet_url() -> str:
    return f"https://cli-{uuid.uuid4().hex[:8]}.invalid/hooks"


def create(admin_cli: Cli, *extra: str) -> dict[str, Any]:
    data: dict[str, Any] = admin_cli.json(
        "webhooks", "create", "--url", quiet_url(), "-e", "order.paid", *extra
    )
    return data


def test_create_shows_the_secret_once_then_list_get(admin_cli: Cli, sdk: Client) -> None:
    created = create(admin_cli, "-e", "order.created", "--description", "erp")
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["order.paid", "order.created"]
    assert created["description"] == "erp" and created["active"] is True

    table = admin_cli.run("webhooks", "create", "--url", quiet_url(), "-e", "*")
    assert table.exit_code == 0, table.stderr
    assert "secret\twhsec_" in table.stdout
    assert "only time the signing secret is shown" in table.stderr

    shown = admin_cli.json("webhooks", "get", created["id"])
    assert "secret" not in shown and shown["url"] == created["url"]
    text = admin_cli.ok("webhooks", "get", created["id"]).stdout
    assert f"id\t{created['id']}" in text and "whsec_" not in text

    listed = admin_cli.json("webhooks", "list", "--all")
    assert created["id"] in {e["id"] for e in listed}
    assert all("secret" not in e for e in listed)
    lines = admin_cli.ok("webhooks", "list", "--all").stdout.splitlines()
    assert lines[0].split("\t") == HEADER
    assert any(line.startswith(created["id"]) for line in lines)
    assert created["id"] not in {e["id"] for e in admin_cli.json("webhooks", "list", "--disabled")}


def test_create_checks_input(admin_cli: Cli, sdk: Client) -> None:
    before = {str(e.id) for e in sdk.webhooks.list(limit=100)}
    assert admin_cli.run("webhooks", "create", "--url", quiet_url()).exit_code == 2  # no --event
    dry = admin_cli.run("webhooks", "create", "--url", "ftp://x", "-e", "*", "--dry-run")
    assert dry.exit_code == 1 and "body.url" in dry.stderr
    preview = admin_cli.json(
        "webhooks", "create", "--url", "https://later.invalid/x", "-e", "*", "--dry-run"
    )
    assert preview["dry_run"] is True and preview["request"]["url"] == "https://later.invalid/x"
    refused = admin_cli.run("webhooks", "create", "--url", "http://127.0.0.1/x", "-e", "*")
    assert refused.exit_code == 1 and "public addresses" in refused.stderr
    unknown = admin_cli.run("webhooks", "create", "--url", quiet_url(), "-e", "order.lost")
    assert unknown.exit_code == 1 and "order.lost" in unknown.stderr
    assert {str(e.id) for e in sdk.webhooks.list(limit=100)} == before


def test_update_with_dry_run(admin_cli: Cli, sdk: Client) -> None:
    created = create(admin_cli, "--description", "old")
    dry = admin_cli.json(
        "webhooks", "update", created["id"], "-e", "order.shipped", "--disable", "--dry-run"
    )
    assert dry["changes"]["events"] == {"from": ["order.paid"], "to": ["order.shipped"]}
    assert dry["changes"]["active"] == {"from": True, "to": False}
    assert sdk.webhooks.get(created["id"]).active is True

    changed = admin_cli.json(
        "webhooks",
        "update",
        created["id"],
        "-e",
        "order.shipped",
        "--disable",
        "--clear-description",
    )
    assert changed["events"] == ["order.shipped"] and changed["active"] is False
    assert changed["description"] is None
    enabled = admin_cli.json("webhooks", "update", created["id"], "--enable")
    assert enabled["active"] is True
    assert admin_cli.run("webhooks", "update", created["id"]).exit_code == 2
    assert admin_cli.run("webhooks", "update", str(uuid.uuid4()), "--enable").exit_code == 5


def test_rotate_secret_and_delete_confirm(admin_cli: Cli, sdk: Client) -> None:
    created = create(admin_cli)
    assert admin_cli.run("webhooks", "rotate-secret", created["id"]).exit_code == 2
    dry = admin_cli.json("webhooks", "rotate-secret", created["id"], "--dry-run")
    assert dry["dry_run"] is True
    rotated = admin_cli.json("webhooks", "rotate-secret", created["id"], "--yes")
    assert rotated["id"] == created["id"]
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"] is not None  # the server's default
    table = admin_cli.run(
        "webhooks", "rotate-secret", created["id"], "--previous-secret-hours", "0", "--yes"
    )
    assert table.exit_code == 0 and "secret\twhsec_" in table.stdout
    assert "only time the signing secret is shown" in table.stderr
    assert sdk.webhooks.get(created["id"]).previous_secret_expires_at is None
    too_long = admin_cli.run(
        "webhooks", "rotate-secret", created["id"], "--previous-secret-hours", "200", "--yes"
    )
    assert too_long.exit_code == 2 and "--previous-secret-hours" in too_long.stderr

    assert admin_cli.run("webhooks", "delete", created["id"]).exit_code == 2
    assert admin_cli.json("webhooks", "delete", created["id"], "--dry-run")["dry_run"] is True
    assert sdk.webhooks.get(created["id"]).id
    deleted = admin_cli.json("webhooks", "delete", created["id"], "--yes")
    assert deleted == {"id": created["id"], "deleted": True}
    assert admin_cli.run("webhooks", "delete", created["id"], "--yes").exit_code == 5
    assert admin_cli.run("webhooks", "get", created["id"]).exit_code == 5


def test_test_deliveries_redeliver(admin_cli: Cli, sdk: Client) -> None:
    created = create(admin_cli)
    assert admin_cli.json("webhooks", "test", created["id"], "--dry-run")["dry_run"] is True
    ping = admin_cli.json("webhooks", "test", created["id"], "--no-wait")
    assert ping["event_type"] == "ping" and ping["status"] == "pending"

    listed = admin_cli.json("webhooks", "deliveries", created["id"], "--event-type", "ping")
    assert [d["id"] for d in listed] == [ping["id"]]
    lines = admin_cli.ok("webhooks", "deliveries", created["id"]).stdout.splitlines()
    assert lines[0].split("\t") == DELIVERY_HEADER
    assert admin_cli.json("webhooks", "deliveries", created["id"], "--status", "succeeded") == []

    # Wait for the first attempt (it fails on DNS) to be recorded.
    deadline = time.monotonic() + 10
    while not sdk.webhooks.deliveries.get(created["id"], ping["id"]).last_error:
        assert time.monotonic() < deadline, "the first attempt was not recorded in time"
        time.sleep(0.05)
    detail = admin_cli.json("webhooks", "deliveries", created["id"], ping["id"])
    assert detail["payload"]["type"] == "ping" and detail["last_error"].startswith("DNS")

    # Without --no-wait, `test` waits for the attempt and shows its answer.
    waited = admin_cli.ok("webhooks", "test", created["id"], "--timeout", "60").stdout
    assert "last_error\tDNS" in waited and "duration_ms\t" in waited, waited
    answer = admin_cli.json("webhooks", "test", created["id"], "--timeout", "60")
    assert answer["event_type"] == "ping" and answer["last_error"].startswith("DNS")

    dry = admin_cli.json("webhooks", "redeliver", created["id"], ping["id"], "--dry-run")
    assert dry["dry_run"] is True and dry["after"]["status"] == "pending"
    again = admin_cli.json("webhooks", "redeliver", created["id"], ping["id"])
    assert again["id"] == ping["id"] and again["status"] == "pending"
    missing = admin_cli.run("webhooks", "redeliver", created["id"], str(uuid.uuid4()))
    assert missing.exit_code == 5
