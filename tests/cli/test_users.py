from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import pytest
import yaml

from platform_cli import terminal
from platform_sdk import AuthenticationError, Client, NotFoundError
from tests.cli.conftest import Cli

_WHO = {"id", "email", "name", "role", "status"}
USER_KEYS = _WHO | {"email_verified_at", "created_at", "updated_at"}


def tagged_users(make_user: Any, count: int) -> tuple[str, list[Any]]:
    tag = f"tag{uuid.uuid4().hex[:8]}"
    return tag, [make_user(name=f"{tag} {i}") for i in range(count)]


def test_list_in_every_format(admin_cli: Cli, make_user: Any) -> None:
    tag, users = tagged_users(make_user, 3)
    emails = {u.email for u in users}

    lines = admin_cli.ok("users", "list", "-q", tag).stdout.splitlines()
    assert lines[0].split("\t") == ["ID", "EMAIL", "NAME", "ROLE", "STATUS", "CREATED"]
    assert {line.split("\t")[1] for line in lines[1:]} == emails
    assert "\x1b[" not in "\n".join(lines)  # piped: no colour

    data = admin_cli.json("users", "list", "-q", tag)
    assert {u["email"] for u in data} == emails
    assert all(set(u) == USER_KEYS for u in data)

    jsonl = admin_cli.ok("users", "list", "-q", tag, "-o", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in jsonl] == data

    assert yaml.safe_load(admin_cli.ok("users", "list", "-q", tag, "-o", "yaml").stdout) == data

    rows = list(
        csv.DictReader(io.StringIO(admin_cli.ok("users", "list", "-q", tag, "-o", "csv").stdout))
    )
    assert [r["email"] for r in rows] == [u["email"] for u in data]
    assert set(rows[0]) == USER_KEYS

    # --limit caps; --all walks everything
    assert len(admin_cli.json("users", "list", "-q", tag, "--limit", "2")) == 2
    assert len(admin_cli.json("users", "list", "-q", tag, "--limit", "1", "--all")) == 3
    assert admin_cli.json("users", "list", "-q", "no-such-user-anywhere") == []


def test_list_filters(admin_cli: Cli, make_user: Any, sdk: Client) -> None:
    staff = make_user(role="staff")
    data = admin_cli.json("users", "list", "--role", "staff", "--all")
    assert staff.email in {u["email"] for u in data}
    assert {u["role"] for u in data} == {"staff"}
    assert admin_cli.run("users", "list", "--role", "boss").exit_code == 2


def test_get_and_me(admin_cli: Cli, make_user: Any, admin_credentials: tuple[str, str]) -> None:
    user = make_user()
    table = admin_cli.ok("users", "get", user.id).stdout
    assert f"email\t{user.email}" in table and f"id\t{user.id}" in table
    assert admin_cli.json("users", "get", user.id) == user.data
    assert admin_cli.json("users", "me")["email"] == admin_credentials[0]
    assert admin_cli.json("users", "get", "me")["email"] == admin_credentials[0]


def test_get_missing_user_is_exit_5(admin_cli: Cli) -> None:
    missing = str(uuid.uuid4())
    result = admin_cli.run("users", "get", missing)
    assert result.exit_code == 5
    assert result.stderr.startswith(f"Error: User {missing} does not exist (404, request ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_create(admin_cli: Cli, sdk: Client) -> None:
    email = f"new-{uuid.uuid4().hex[:8]}@example.com"
    data = admin_cli.json(
        "users",
        "create",
        "--email",
        email,
        "--name",
        "New",
        "--role",
        "staff",
        "--password-stdin",
        input="tidal-lantern-42\n",
    )
    assert set(data) == USER_KEYS and data["email"] == email and data["role"] == "staff"
    assert sdk.users.get(data["id"]).email == email
    table = admin_cli.ok(
        "users",
        "create",
        "--email",
        "t" + email,
        "--name",
        "T",
        "--password-stdin",
        input="tidal-lantern-42\n",
    ).stdout
    assert f"email\tt{email}" in table


def test_create_validation_error_is_exit_1_with_fields(admin_cli: Cli) -> None:
    result = admin_cli.run(
        "users",
        "create",
        "--email",
        "not-an-email",
        "--name",
        "X",
        "--password-stdin",
        input="short\n",
    )
    assert result.exit_code == 1
    assert "(422, request " in result.stderr
    assert "  - body.email: value is not a valid email address" in result.stderr
    assert "  - body.password:" in result.stderr
    assert "short" not in result.stderr.replace("at least", "")


def test_create_with_a_weak_password_says_why(admin_cli: Cli) -> None:
    email = f"weak-{uuid.uuid4().hex[:8]}@example.com"
    args = ("users", "create", "--email", email, "--name", "Weak", "--password-stdin")
    result = admin_cli.run(*args, input="qwertyuiop\n")
    assert result.exit_code == 1
    # The server's reason, in words, reaches the person intact.
    assert "The password is too weak. This is a top-100 common password." in result.stderr
    assert "Add another word or two." in result.stderr
    assert "  - body.password: too weak" in result.stderr
    assert "qwertyuiop" not in result.stderr
    own = admin_cli.run(*args, input=f"{email.split('@')[0]}-2026!\n")
    assert own.exit_code == 1
    assert "built from your email address or name" in own.stderr


def test_create_dry_run_creates_nothing(admin_cli: Cli, sdk: Client) -> None:
    email = f"dry-{uuid.uuid4().hex[:8]}@example.com"
    result = admin_cli.run(
        "users",
        "create",
        "--email",
        email,
        "--name",
        "Dry",
        "--password-stdin",
        "--dry-run",
        input="tidal-lantern-42\n",
    )
    assert result.exit_code == 0, result.stderr
    assert "Dry run: would create a user" in result.stdout
    assert "tidal-lantern-42" not in result.stdout
    assert list(sdk.users.list(q=email)) == []
    bad = admin_cli.run(
        "users",
        "create",
        "--email",
        "nope",
        "--name",
        "Dry",
        "--password-stdin",
        "--dry-run",
        input="x\n",
    )
    assert bad.exit_code == 1
    assert "  - body.email: value is not a valid email address" in bad.stderr
    assert "  - body.password: must be 8-1024 characters" in bad.stderr


def test_update_with_dry_run_diff_then_for_real(
    admin_cli: Cli, make_user: Any, sdk: Client
) -> None:
    user = make_user(name="Before Name")
    diff = admin_cli.ok("users", "update", user.id, "--name", "After Name", "--dry-run").stdout
    assert "  - name: Before Name" in diff and "  + name: After Name" in diff
    data = admin_cli.json("users", "update", user.id, "--name", "After Name", "--dry-run")
    assert data["dry_run"] is True
    assert data["before"]["name"] == "Before Name" and data["after"]["name"] == "After Name"
    assert data["changes"] == {"name": {"from": "Before Name", "to": "After Name"}}
    assert sdk.users.get(user.id).name == "Before Name"

    updated = admin_cli.json("users", "update", user.id, "--name", "After Name")
    assert updated["name"] == "After Name"
    assert sdk.users.get(user.id).name == "After Name"
    assert admin_cli.run("users", "update", user.id).exit_code == 2  # nothing to change


def test_suspend_needs_yes_without_terminal(admin_cli: Cli, make_user: Any, sdk: Client) -> None:
    user = make_user()
    refused = admin_cli.run("users", "suspend", user.id)
    assert refused.exit_code == 2
    assert "pass --yes" in refused.stderr
    assert sdk.users.get(user.id).status == "active"

    dry = admin_cli.json("users", "suspend", user.id, "--dry-run")
    assert dry["changes"] == {"status": {"from": "active", "to": "suspended"}}
    assert sdk.users.get(user.id).status == "active"

    assert admin_cli.json("users", "suspend", user.id, "--yes")["status"] == "suspended"
    assert sdk.users.get(user.id).status == "suspended"
    assert admin_cli.json("users", "activate", user.id)["status"] == "active"
    assert sdk.users.get(user.id).status == "active"


def test_set_role_confirmation_on_a_terminal(
    admin_cli: Cli, make_user: Any, sdk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminal, "stdin_is_tty", lambda: True)
    user = make_user()
    declined = admin_cli.run("users", "set-role", user.id, "staff", input="n\n")
    assert declined.exit_code == 1
    assert "aborted" in declined.stderr
    assert sdk.users.get(user.id).role == "customer"

    accepted = admin_cli.run("users", "set-role", user.id, "staff", "-o", "json", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert f"Make staff user {user.id}?" in accepted.stderr
    # (CliRunner echoes the typed answer on stdout; a real terminal shows it on the tty)
    assert json.loads(accepted.stdout[accepted.stdout.index("{") :])["role"] == "staff"
    assert sdk.users.get(user.id).role == "staff"


def test_delete(admin_cli: Cli, make_user: Any, sdk: Client) -> None:
    user = make_user()
    assert admin_cli.run("users", "delete", user.id).exit_code == 2
    dry = admin_cli.ok("users", "delete", user.id, "--dry-run").stdout
    assert f"would delete user {user.id}" in dry
    assert sdk.users.get(user.id).email == user.email
    assert admin_cli.json("users", "delete", user.id, "--yes") == {"id": user.id, "deleted": True}
    with pytest.raises(NotFoundError):
        sdk.users.get(user.id)
    assert admin_cli.run("users", "delete", user.id, "--yes").exit_code == 5
    other = make_user()
    assert (
        admin_cli.ok("users", "delete", other.id, "--yes").stdout == f"Deleted user {other.id}.\n"
    )


def test_revoke_sessions(admin_cli: Cli, make_user: Any) -> None:
    user = make_user()
    refused = admin_cli.run("users", "revoke-sessions", user.id)
    assert refused.exit_code == 2
    assert "pass --yes" in refused.stderr
    dry = admin_cli.ok("users", "revoke-sessions", user.id, "--dry-run").stdout
    assert f"would revoke every session of user {user.id}" in dry
    with Client(base_url=admin_cli.server_url, access_token=user.access_token) as client:
        assert client.users.me().id == uuid.UUID(user.id)

    result = admin_cli.json("users", "revoke-sessions", user.id, "--yes")
    assert result == {"id": user.id, "sessions_revoked": True}
    with (
        Client(base_url=admin_cli.server_url, access_token=user.access_token) as client,
        pytest.raises(AuthenticationError),
    ):
        client.users.me()
    assert admin_cli.run("users", "revoke-sessions", str(uuid.uuid4()), "--yes").exit_code == 5
    other = make_user()
    assert (
        admin_cli.ok("users", "revoke-sessions", other.id, "--yes").stdout
        == f"Revoked every session of user {other.id}.\n"
    )


def test_profile_get_and_set(admin_cli: Cli, make_user: Any, sdk: Client) -> None:
    user = make_user()
    first = admin_cli.json(
        "users", "profile", "set", user.id, "--bio", "Hello", "--location", "Oslo"
    )
    assert first["bio"] == "Hello" and first["location"] == "Oslo"
    # fields not given are kept ...
    second = admin_cli.json("users", "profile", "set", user.id, "--phone", "+47 1234 5678")
    assert second["bio"] == "Hello" and second["phone"] == "+47 1234 5678"
    # ... a dry run changes nothing ...
    dry = admin_cli.json("users", "profile", "set", user.id, "--bio", "Changed", "--dry-run")
    assert dry["changes"] == {"bio": {"from": "Hello", "to": "Changed"}}
    assert sdk.users.profile.get(user.id).bio == "Hello"
    # ... and --replace clears the others
    third = admin_cli.json("users", "profile", "set", user.id, "--bio", "Only", "--replace")
    assert third["bio"] == "Only" and third["location"] is None and third["phone"] is None
    assert admin_cli.json("users", "profile", "get", user.id) == third
    assert "bio\tOnly" in admin_cli.ok("users", "profile", "get", user.id).stdout


def test_set_password_of_another_user_as_admin(admin_cli: Cli, make_user: Any) -> None:
    user = make_user()
    result = admin_cli.run(
        "users", "set-password", user.id, "--password-stdin", input="brand-new-pass\n"
    )
    assert result.exit_code == 0, result.stderr
    assert "brand-new-pass" not in result.stdout + result.stderr
    with Client(base_url=admin_cli.server_url, api_key="") as client:
        assert client.auth.login(email=user.email, password="brand-new-pass").access_token


def test_set_own_password_needs_the_current_one(cli: Cli, make_user: Any) -> None:
    user = make_user()
    assert cli.login(user.email, user.password).exit_code == 0
    wrong = cli.run(
        "users", "set-password", "me", "--password-stdin", input="another-pass-1\nnope-nope\n"
    )
    assert wrong.exit_code == 1
    assert "  - body.current_password: incorrect password" in wrong.stderr
    right = cli.run(
        "users",
        "set-password",
        "me",
        "--password-stdin",
        "-o",
        "json",
        input=f"another-pass-1\n{user.password}\n",
    )
    assert right.exit_code == 0, right.stderr
    assert json.loads(right.stdout) == {"id": user.id, "password_changed": True}
    # the CLI's own session survives a password change
    assert cli.json("users", "me")["email"] == user.email


def test_customer_cannot_list_users(cli: Cli, make_user: Any) -> None:
    user = make_user()
    assert cli.login(user.email, user.password).exit_code == 0
    result = cli.run("users", "list")
    assert result.exit_code == 1
    assert "(403, request " in result.stderr
