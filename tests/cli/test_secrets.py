"""A token, password or API key never appears in error output, even with --debug."""

from __future__ import annotations

from typing import Any

import pytest

from platform_cli import client as cli_client
from platform_sdk import Client
from tests.cli.conftest import Cli, MemoryKeyring


def test_wrong_password_with_debug(cli: Cli, make_user: Any) -> None:
    user = make_user()
    secret = "sup3r-secret-password"
    result = cli.login(user.email, secret, "--debug")
    assert result.exit_code == 4
    assert "Traceback" in result.stderr  # --debug does show the trace ...
    assert secret not in result.stdout + result.stderr  # ... but not the password


def test_revoked_api_key_from_environment_with_debug(cli: Cli, sdk: Client) -> None:
    created = sdk.api_keys.create(name="to-revoke")
    sdk.api_keys.revoke(created.id)
    env = {"PLATFORM_API_KEY": created.key, "PLATFORM_BASE_URL": cli.server_url}
    for args in (["users", "me"], ["api", "users/me"], ["auth", "status"]):
        result = cli.run("--debug", *args, env=env)
        assert result.exit_code == 4, args
        assert created.key not in result.stdout + result.stderr
        assert created.key[:12] not in result.stderr


def test_unexpected_error_with_tokens_in_it_is_redacted(
    admin_cli: Cli, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = memory_keyring.entry()
    assert entry is not None

    def explode(self: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            f"boom access={entry['access_token']} refresh={entry['refresh_token']} "
            f"Authorization: Bearer {entry['access_token']}"
        )

    monkeypatch.setattr(cli_client.Connection, "client", explode)
    for debug in ([], ["--debug"]):
        result = admin_cli.run(*debug, "users", "list")
        assert result.exit_code == 1
        assert "Error: unexpected RuntimeError: boom" in result.stderr
        assert ("Traceback" in result.stderr) == bool(debug)
        assert entry["access_token"] not in result.stderr
        assert entry["refresh_token"] not in result.stderr
        assert "***" in result.stderr
