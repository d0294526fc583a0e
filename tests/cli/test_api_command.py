from __future__ import annotations

import json
import uuid
from typing import Any

from platform_cli.commands.api import parse_value
from platform_sdk import Client
from tests.cli.conftest import Cli


def test_parse_value_types_like_gh() -> None:
    assert parse_value("3") == 3
    assert parse_value("2.5") == 2.5
    assert parse_value("true") is True and parse_value("false") is False
    assert parse_value("null") is None
    assert parse_value("abc") == "abc" and parse_value("nan") == "nan"


def test_get(admin_cli: Cli, admin_credentials: tuple[str, str]) -> None:
    result = admin_cli.ok("api", "GET", "users/me")
    assert json.loads(result.stdout)["email"] == admin_credentials[0]
    assert json.loads(admin_cli.ok("api", "users/me").stdout)["email"] == admin_credentials[0]
    assert json.loads(admin_cli.ok("api", "/healthz").stdout)["status"] == "ok"
    # --jq as `gh api --jq`, on one answer and on every item with --paginate
    assert admin_cli.ok("api", "users/me", "--jq", ".email").stdout == f"{admin_credentials[0]}\n"
    emails = admin_cli.ok("api", "users", "-f", "limit=2", "--paginate", "--jq", ".[].email")
    assert admin_credentials[0] in emails.stdout.splitlines()


def test_post_with_fields_and_input(admin_cli: Cli, sdk: Client) -> None:
    email = f"api-{uuid.uuid4().hex[:8]}@example.com"
    result = admin_cli.ok(
        "api",
        "POST",
        "users",
        "-f",
        f"email={email}",
        "-f",
        "name=Via API",
        "-f",
        "password=tidal-lantern-42",
    )
    created = json.loads(result.stdout)
    assert created["email"] == email
    assert sdk.users.get(created["id"]).name == "Via API"

    body = json.dumps({"name": "Via Input"})
    patched = admin_cli.ok("api", "PATCH", f"users/{created['id']}", "--input", "-", input=body)
    assert json.loads(patched.stdout)["name"] == "Via Input"
    assert sdk.users.get(created["id"]).name == "Via Input"

    deleted = admin_cli.ok("api", "DELETE", f"users/{created['id']}")
    assert deleted.stdout == ""


def test_errors_and_headers(admin_cli: Cli) -> None:
    missing = admin_cli.run("api", f"users/{uuid.uuid4()}", "-H", "X-Request-ID: cli-test-req-1")
    assert missing.exit_code == 5
    assert "(404, request cli-test-req-1)" in missing.stderr
    invalid = admin_cli.run(
        "api", "POST", "users", "-f", "email=x", "-f", "name=n", "-f", "password=p"
    )
    assert invalid.exit_code == 1
    assert "  - body.email:" in invalid.stderr
    assert admin_cli.run("api", "FETCH", "users").exit_code == 2
    assert admin_cli.run("api", "users", "-f", "novalue").exit_code == 2


def test_paginate(admin_cli: Cli, make_user: Any, sdk: Client) -> None:
    tag = f"pg{uuid.uuid4().hex[:8]}"
    emails = {make_user(name=f"{tag} {i}").email for i in range(3)}
    lines = admin_cli.ok(
        "api", "users", "--paginate", "-f", "limit=1", "-f", f"q={tag}", "-o", "jsonl"
    ).stdout.splitlines()
    assert {json.loads(line)["email"] for line in lines} == emails  # 3 pages of 1
    array = json.loads(
        admin_cli.ok("api", "users", "--paginate", "-f", "limit=2", "-f", f"q={tag}").stdout
    )
    assert [u["email"] for u in array] == [u.email for u in sdk.users.list(q=tag)]
    one_page = json.loads(
        admin_cli.ok("api", "GET", "users", "-f", "limit=1", "-f", f"q={tag}").stdout
    )
    assert len(one_page["data"]) == 1 and one_page["next_cursor"]
