from __future__ import annotations

import uuid
from typing import Any

import pytest

from platform_sdk import Client
from tests.cli.conftest import Cli

HEADER = ["ID", "WHEN", "ACTOR", "ACTION", "TARGET_TYPE", "TARGET", "IP"]


@pytest.fixture
def product(sdk: Client) -> Any:
    t = uuid.uuid4().hex[:10]
    created = sdk.products.create(sku=f"CA-{t}", name="Before", price="3.00", category=f"ca-{t}")
    sdk.products.update(created.id, name="After")
    return created


def test_list_and_get(admin_cli: Cli, sdk: Client, product: Any) -> None:
    records = admin_cli.json("audit", "list", "--target", str(product.id))
    assert [r["action"] for r in records] == ["product.update", "product.create"]
    update = records[0]
    assert update["changes"] == {"name": {"before": "Before", "after": "After"}}
    assert update["actor_email"] == sdk.users.me().email
    assert update["target_type"] == "product" and update["ip"] == "127.0.0.1"

    lines = admin_cli.ok("audit", "list", "--target", str(product.id)).stdout.splitlines()
    assert lines[0].split("\t") == HEADER
    assert lines[1].split("\t")[3:6] == ["product.update", "product", str(product.id)]

    assert admin_cli.json("audit", "get", update["id"]) == update
    shown = admin_cli.ok("audit", "get", update["id"]).stdout
    assert "action\tproduct.update" in shown and f"request_id\t{update['request_id']}" in shown

    missing = admin_cli.run("audit", "get", str(uuid.uuid4()))
    assert missing.exit_code == 5, (missing.stdout, missing.stderr)


def test_filters(admin_cli: Cli, sdk: Client, product: Any) -> None:
    target = ("--target", str(product.id))
    only_updates = admin_cli.json("audit", "list", *target, "--action", "product.update")
    assert [r["action"] for r in only_updates] == ["product.update"]
    assert len(admin_cli.json("audit", "list", *target, "--action", "product")) == 2
    assert admin_cli.json("audit", "list", *target, "--target-type", "order") == []

    me = sdk.users.me()
    by_email = admin_cli.json("audit", "list", *target, "--actor", me.email)
    by_id = admin_cli.json("audit", "list", *target, "--actor", str(me.id))
    assert by_email == by_id and len(by_id) == 2
    unknown = admin_cli.run("audit", "list", "--actor", "nobody-at-all@example.com")
    assert unknown.exit_code == 5, (unknown.stdout, unknown.stderr)

    assert len(admin_cli.json("audit", "list", *target, "--since", "1h")) == 2
    assert admin_cli.json("audit", "list", *target, "--until", "2000-01-01") == []
    assert len(admin_cli.json("audit", "list", *target, "--since", "2000-01-01T00:00:00")) == 2

    assert len(admin_cli.json("audit", "list", *target, "--limit", "1")) == 1
    assert len(admin_cli.json("audit", "list", *target, "--limit", "1", "--all")) == 2

    bad_time = admin_cli.run("audit", "list", "--since", "last tuesday")
    assert bad_time.exit_code == 2 and "--since" in bad_time.stderr
    bad_action = admin_cli.run("audit", "list", "--action", "Not An Action")
    assert bad_action.exit_code == 1 and "action" in bad_action.stderr


def test_only_admins(cli: Cli, make_user: Any) -> None:
    staff = make_user(role="staff")
    assert cli.login(staff.email, staff.password).exit_code == 0
    denied = cli.run("audit", "list")
    assert denied.exit_code == 1 and "audit:read" in denied.stderr
