"""Least-privilege keys from the CLI: a checklist on a terminal, --scope in scripts, and
read-only when nothing is chosen."""

from __future__ import annotations

import pytest

from platform_cli import terminal
from platform_cli.commands.api_keys.scopes import READ_ONLY, SCOPES, parse_choice
from platform_server.core.permissions import READ_ONLY as SERVER_READ_ONLY
from platform_server.core.permissions import Permission
from tests.cli.conftest import Cli


def test_the_cli_knows_the_servers_scopes() -> None:
    assert set(SCOPES) == {p.value for p in Permission}
    assert set(READ_ONLY) == {p.value for p in SERVER_READ_ONLY}


def test_parse_choice() -> None:
    names = ["a:read", "b:write", "c:read"]
    assert parse_choice("", names) == []
    assert parse_choice(" 3, 1 3", names) == ["c:read", "a:read"]
    assert parse_choice("all", names) == names
    assert parse_choice("4", names) is None
    assert parse_choice("1,x", names) is None


def test_a_script_gets_a_read_only_key(admin_cli: Cli) -> None:
    created = admin_cli.json("api-keys", "create", "--name", "ro")
    assert created["scopes"] == sorted(READ_ONLY)  # the admin has every :read scope
    table = admin_cli.run("api-keys", "create", "--name", "ro-table")
    assert "The key is read-only" in table.stderr
    chosen = admin_cli.json(
        "api-keys", "create", "--name", "w", "--scope", "orders:write", "-s", "account:read"
    )
    assert chosen["scopes"] == ["account:read", "orders:write"]
    listed = admin_cli.ok("api-keys", "list", "--all").stdout.splitlines()
    assert listed[0].split("\t")[3:6] == ["SCOPES", "EXPIRES", "LAST USED"]
    row = next(line for line in listed if line.startswith(chosen["id"]))
    assert '["account:read","orders:write"]' in row


def test_a_terminal_gets_a_checklist(admin_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terminal, "stdin_is_tty", lambda: True)
    numbers = {name: str(i) for i, name in enumerate(SCOPES, 1)}
    answer = f"99\n{numbers['catalog:write']}, {numbers['account:read']}\n"
    result = admin_cli.run("api-keys", "create", "--name", "picked", "-o", "json", input=answer)
    assert result.exit_code == 0, result.stderr
    assert "Scopes to grant" in result.stderr and "catalog:write" in result.stderr
    assert "Give numbers from 1 to 13" in result.stderr  # 99 was asked again
    assert '"scopes": [\n    "account:read",\n    "catalog:write"\n  ]' in result.stdout
    default = admin_cli.run("api-keys", "create", "--name", "enter", "-o", "json", input="\n")
    assert '"events:read"' in default.stdout and '"users:write"' not in default.stdout


def test_an_unknown_scope_is_a_usage_error(admin_cli: Cli) -> None:
    result = admin_cli.run("api-keys", "create", "--name", "x", "--scope", "orders:everything")
    assert result.exit_code == 2
    assert "unknown scope orders:everything; scopes are: account:read" in result.stderr
