from __future__ import annotations

import json
import os
from typing import Any

from platform_sdk import Client
from tests.cli.conftest import Cli


def test_api_keys_create_list_revoke(admin_cli: Cli, sdk: Client) -> None:
    created = admin_cli.json("api-keys", "create", "--name", "deploy")
    assert created["key"].startswith("plat_") and created["name"] == "deploy"
    table = admin_cli.run("api-keys", "create", "--name", "shown-once")
    assert table.exit_code == 0
    assert "key\tplat_" in table.stdout and "only time the key is shown" in table.stderr

    listed = admin_cli.json("api-keys", "list", "--all")
    assert created["id"] in {k["id"] for k in listed}
    assert all("key" not in k for k in listed)
    lines = admin_cli.ok("api-keys", "list", "--all").stdout.splitlines()
    assert lines[0].startswith("ID\tNAME\tPREFIX")
    assert any(line.startswith(created["id"]) for line in lines)

    assert admin_cli.run("api-keys", "revoke", created["id"]).exit_code == 2
    dry = admin_cli.json("api-keys", "revoke", created["id"], "--dry-run")
    assert dry["dry_run"] is True and dry["request"]["id"] == created["id"]
    with Client(base_url=admin_cli.server_url, api_key=created["key"]) as client:
        assert client.users.me().role == "admin"  # still works after the dry run
    revoked = admin_cli.json("api-keys", "revoke", created["id"], "--yes")
    assert revoked == {"id": created["id"], "revoked": True}
    assert created["id"] not in {str(k.id) for k in sdk.api_keys.list(limit=100)}
    assert admin_cli.run("api-keys", "revoke", created["id"], "--yes").exit_code == 5


def test_api_key_create_dry_run_validates(admin_cli: Cli, sdk: Client) -> None:
    before = {str(k.id) for k in sdk.api_keys.list(limit=100)}
    result = admin_cli.run(
        "api-keys", "create", "--name", "x", "--expires-at", "2001-01-01", "--dry-run"
    )
    assert result.exit_code == 1
    assert "  - body.expires_at: must be in the future" in result.stderr
    assert (
        admin_cli.json("api-keys", "create", "--name", "later", "--dry-run")["request"]["name"]
        == "later"
    )
    assert {str(k.id) for k in sdk.api_keys.list(limit=100)} == before


def test_sessions_list_and_revoke(cli: Cli, make_user: Any) -> None:
    user = make_user()  # make_user signed in once already: that is another session
    assert cli.login(user.email, user.password).exit_code == 0
    sessions = cli.json("auth", "sessions", "list")
    assert len(sessions) == 2
    # The old spelling stays, hidden, for one release.
    assert [s["id"] for s in cli.json("sessions", "list")] == [s["id"] for s in sessions]
    current = [s for s in sessions if s["current"]]
    other = [s for s in sessions if not s["current"]]
    assert len(current) == 1 and len(other) == 1
    # The CLI names itself; make_user's session came from a plain script (httpx).
    from platform_cli import __version__

    assert current[0]["user_agent"].startswith(f"platform-cli/{__version__} platform-sdk-python/")
    assert not other[0]["user_agent"].startswith("platform-cli/")
    table = cli.ok("auth", "sessions", "list").stdout.splitlines()
    assert table[0].startswith("ID\tCURRENT\tMFA\tUSER AGENT")
    assert any(line.startswith(current[0]["id"] + "\ttrue\tfalse") for line in table)

    assert cli.run("auth", "sessions", "revoke", other[0]["id"]).exit_code == 2
    assert cli.ok("auth", "sessions", "revoke", other[0]["id"], "--yes").stdout == (
        f"Revoked session {other[0]['id']}.\n"
    )
    # the revoked session's access token no longer works
    result = cli.run("api", "users/me", "-H", f"Authorization: Bearer {user.access_token}")
    assert result.exit_code == 4
    assert user.access_token not in result.stderr
    assert cli.json("users", "me")["email"] == user.email  # ours still works


def test_health(cli: Cli) -> None:
    env = {"PLATFORM_BASE_URL": cli.server_url}
    table = cli.run("health", env=env)
    assert table.exit_code == 0, table.stderr
    assert "live\tok" in table.stdout and "ready\tok" in table.stdout
    # Redis is listed only when the server uses it.
    assert ("redis\tok" in table.stdout) == bool(os.environ.get("PLATFORM_TEST_REDIS_URL"))
    data = json.loads(cli.run("health", "-o", "json", env=env).stdout)
    assert data["live"]["status"] == "ok" and data["ready"]["status"] == "ok"
    down = cli.run("health", env={"PLATFORM_BASE_URL": "http://127.0.0.1:9"})
    assert down.exit_code == 1
    assert down.stderr.startswith("Error: cannot reach the server at http://127.0.0.1:9")
