from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from platform_cli import terminal
from platform_cli.output import Output, relative_time
from tests.cli.conftest import Cli


def test_relative_time() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert relative_time(now - timedelta(seconds=10), now) == "just now"
    assert relative_time(now - timedelta(minutes=3), now) == "3 minutes ago"
    assert relative_time(now - timedelta(hours=5), now) == "5 hours ago"
    assert relative_time(now - timedelta(days=3), now) == "3 days ago"
    assert relative_time(now + timedelta(minutes=14), now) == "in 14 minutes"
    assert relative_time(now - timedelta(days=800), now) == "2 years ago"


def test_streamed_json_equals_json_dumps(capsys: pytest.CaptureFixture[str]) -> None:
    items = [{"a": 1, "b": [1, 2], "c": {"d": None}}, {"a": 2, "b": [], "c": {}}]
    for count in (0, 1, 2):
        Output("json", tty=False, color=False, spinner=False).many(iter(items[:count]))
        assert capsys.readouterr().out == json.dumps(items[:count], indent=2) + "\n"


def test_terminal_rendering(admin_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terminal, "stdout_is_tty", lambda: True)
    monkeypatch.setattr(terminal, "color_enabled", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    out = admin_cli.ok("users", "list", "--limit", "3").stdout
    assert "\x1b[" in out  # colour
    assert "EMAIL" in out and ("ago" in out or "just now" in out)  # relative times
    assert "\t" not in out and "T0" not in out  # no tab-separated ISO timestamps
    single = admin_cli.ok("users", "me").stdout
    assert "\x1b[" in single and ("ago" in single or "just now" in single)
    assert "Z\n" not in single  # relative, not ISO, times
    # JSON stays exactly JSON on a terminal
    assert json.loads(admin_cli.ok("users", "me", "-o", "json").stdout)["role"] == "admin"


def test_no_color_on_a_terminal(admin_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terminal, "stdout_is_tty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    out = admin_cli.ok("users", "me").stdout
    assert "\x1b[" not in out
    assert "email" in out and ("ago" in out or "just now" in out) and "\t" not in out


def test_output_default_from_config(admin_cli: Cli) -> None:
    admin_cli.ok("config", "set", "output", "jsonl")
    assert json.loads(admin_cli.ok("users", "me").stdout)["role"] == "admin"
    assert admin_cli.ok("users", "me", "-o", "table").stdout.startswith("id\t")
    assert admin_cli.ok("-o", "yaml", "users", "me").stdout.startswith("id: ")
    admin_cli.ok("config", "unset", "output")
    admin_cli.ok("config", "set", "output", "json", "--global")
    assert json.loads(admin_cli.ok("users", "me").stdout)["role"] == "admin"


def test_config_commands(admin_cli: Cli) -> None:
    assert admin_cli.ok("config", "get", "base_url").stdout.strip() == admin_cli.server_url
    rows = admin_cli.json("config", "list")
    assert {r["key"] for r in rows} == {"base_url", "output"}
    assert next(r for r in rows if r["key"] == "output")["source"] == "built-in"
    assert admin_cli.run("config", "set", "colour", "blue").exit_code == 2
    assert admin_cli.run("config", "set", "output", "xml").exit_code == 2
    assert admin_cli.run("config", "set", "base_url", "ftp://x").exit_code == 2
    assert admin_cli.run("config", "get", "output").exit_code == 5


def test_a_new_profile_needs_a_name_one_can_type(admin_cli: Cli) -> None:
    refused = admin_cli.run("-p", "my profile", "config", "set", "output", "json")
    assert refused.exit_code == 2
    assert "invalid profile name 'my profile'" in refused.stderr
    assert [p["name"] for p in admin_cli.json("profiles", "list")] == ["default"]
    admin_cli.ok("-p", "ci.staging-2", "config", "set", "output", "json")
    names = [p["name"] for p in admin_cli.json("profiles", "list")]
    assert names == ["ci.staging-2", "default"]


def test_profiles(admin_cli: Cli, make_user: Any, admin_credentials: tuple[str, str]) -> None:
    user = make_user()
    second = admin_cli.run(
        "-p",
        "customer",
        "login",
        "--email",
        user.email,
        "--password-stdin",
        "--base-url",
        admin_cli.server_url,
        input=user.password + "\n",
    )
    assert second.exit_code == 0, second.stderr
    listed = admin_cli.json("profiles", "list")
    assert [(p["name"], p["current"]) for p in listed] == [("customer", False), ("default", True)]
    assert admin_cli.json("-p", "customer", "users", "me")["email"] == user.email
    assert admin_cli.json("users", "me")["email"] == admin_credentials[0]
    env = admin_cli.run("users", "me", "-o", "json", env={"PLATFORM_PROFILE": "customer"})
    assert json.loads(env.stdout)["email"] == user.email

    admin_cli.ok("profiles", "use", "customer")
    assert admin_cli.json("users", "me")["email"] == user.email
    shown = admin_cli.json("profiles", "show")
    assert shown["name"] == "customer" and shown["email"] == user.email
    assert "token" not in json.dumps(shown).lower().replace("auth_kind", "")
    assert admin_cli.run("profiles", "use", "nope").exit_code == 5
    assert admin_cli.run("-p", "nope", "users", "me").exit_code == 4

    assert admin_cli.run("profiles", "delete", "customer").exit_code == 2
    admin_cli.ok("profiles", "delete", "customer", "--yes")
    assert [p["name"] for p in admin_cli.json("profiles", "list")] == ["default"]
    assert admin_cli.run("-p", "customer", "users", "me").exit_code == 4


def test_help_pages_and_usage_errors(cli: Cli) -> None:
    codes = cli.ok("help", "exit-codes").stdout
    for code in ("0", "1", "2", "3", "4", "5"):
        assert f"  {code}  " in codes
    env = cli.ok("help", "environment").stdout
    for name in (
        "PLATFORM_BASE_URL",
        "PLATFORM_API_KEY",
        "PLATFORM_PROFILE",
        "PLATFORM_CONFIG_DIR",
        "PLATFORM_LOG",
        "NO_COLOR",
        "PLATFORM_DATABASE_URL",
        "PLATFORM_DATA_DIR",
        "PLATFORM_JWT_SECRET",
    ):
        assert name in env
    assert cli.run("users", "list", "--bogus").exit_code == 2
    assert cli.run("no-such-command").exit_code == 2
    root = cli.ok("--help").stdout
    assert "--install-completion" in root
    server = cli.ok("server", "--help").stdout
    assert all(c in server for c in ("run", "migrate", "create-admin"))
    assert "--demo" in cli.ok("server", "run", "--help").stdout
    assert cli.ok("--version").stdout.startswith("platform ")


def test_help_and_version_import_nothing_heavy() -> None:
    code = (
        "import sys\nfrom platform_cli.main import app\n"
        "for args in (['--help'], ['--version']):\n"
        "    try:\n        app(args)\n    except SystemExit:\n        pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    modules = set(
        subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    assert "platform_cli" in modules
    assert not modules & {"platform_server", "platform_sdk", "httpx", "keyring", "textual", "yaml"}
