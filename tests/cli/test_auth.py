from __future__ import annotations

import base64
import json
import os
import stat
import uuid
from typing import Any

import pytest

from platform_cli import credentials, terminal
from platform_sdk import AuthenticationError, Client
from tests.cli.conftest import BrokenKeyring, Cli, HangingKeyring, MemoryKeyring


def fake_jwt(exp: int) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part({'exp': exp, 'sub': 'x'})}.c2lnbmF0dXJl"


def test_login_password_stdin_stores_refresh_token_not_password(
    cli: Cli, memory_keyring: MemoryKeyring, admin_credentials: tuple[str, str]
) -> None:
    email, password = admin_credentials
    result = cli.login(email, password)
    assert result.exit_code == 0, result.stderr
    assert f"as {email}" in result.stdout
    entry = memory_keyring.entry()
    assert entry is not None and entry["kind"] == "session"
    assert entry["refresh_token"] and entry["access_token"].count(".") == 2
    assert password not in repr(memory_keyring.entries)
    config = json.loads((cli.config_dir / "config.json").read_text())
    assert config["current_profile"] == "default"
    assert config["profiles"]["default"]["base_url"] == cli.server_url
    assert config["profiles"]["default"]["email"] == email
    assert password not in (cli.config_dir / "config.json").read_text()
    assert not (cli.config_dir / "credentials.json").exists()


def test_login_prompts_on_a_terminal(
    cli: Cli,
    memory_keyring: MemoryKeyring,
    admin_credentials: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(terminal, "stdin_is_tty", lambda: True)
    email, password = admin_credentials
    result = cli.run("login", "--base-url", cli.server_url, input=f"{email}\n{password}\n")
    assert result.exit_code == 0, result.stderr
    assert memory_keyring.entry() is not None
    assert password not in result.stdout + result.stderr


def test_login_without_terminal_needs_email(cli: Cli) -> None:
    result = cli.run("login", "--base-url", cli.server_url)
    assert result.exit_code == 2
    assert "--email is required" in result.stderr


def test_login_wrong_password_is_exit_4_and_stores_nothing(
    cli: Cli, memory_keyring: MemoryKeyring, make_user: Any
) -> None:
    user = make_user()
    result = cli.login(user.email, "wrong-password-xyz", "--debug")
    assert result.exit_code == 4
    assert "(401, request " in result.stderr
    assert "wrong-password-xyz" not in result.stdout + result.stderr
    assert memory_keyring.entries == {}


def test_login_with_api_key_from_stdin(
    cli: Cli, memory_keyring: MemoryKeyring, sdk: Client
) -> None:
    key = sdk.api_keys.create(name="ci").key
    result = cli.run("login", "--api-key", "-", "--base-url", cli.server_url, input=key + "\n")
    assert result.exit_code == 0, result.stderr
    assert memory_keyring.entry() == {"kind": "api_key", "api_key": key}
    status = cli.json("auth", "status")
    assert status["credential"] == "api_key" and status["source"] == "keyring"
    assert status["access_token_expires_at"] is None
    assert cli.ok("auth", "token").stdout.strip() == key


def test_api_key_on_the_command_line_is_refused(cli: Cli) -> None:
    result = cli.run("login", "--api-key", "plat_abc", "--base-url", cli.server_url)
    assert result.exit_code == 2
    assert "--api-key -" in result.stderr
    assert "plat_abc" not in result.stderr


def test_auth_status_table_and_json(admin_cli: Cli, admin_credentials: tuple[str, str]) -> None:
    table = admin_cli.ok("auth", "status").stdout
    assert f"user\t{admin_credentials[0]}" in table
    assert "source\tkeyring" in table
    assert f"server\t{admin_cli.server_url}" in table
    data = admin_cli.json("auth", "status")
    assert data["user"]["email"] == admin_credentials[0]
    assert data["profile"] == "default" and data["source"] == "keyring"
    assert data["credential"] == "session"
    assert data["access_token_expires_at"].endswith("Z")


def test_auth_token_prints_a_working_token(
    admin_cli: Cli, admin_credentials: tuple[str, str]
) -> None:
    token = admin_cli.ok("auth", "token").stdout.strip()
    with Client(base_url=admin_cli.server_url, access_token=token) as client:
        assert client.users.me().email == admin_credentials[0]
    data = admin_cli.json("auth", "token")
    assert data["token"] == token and data["type"] == "session" and data["expires_at"]


def test_expired_access_token_is_refreshed_and_persisted(
    admin_cli: Cli, memory_keyring: MemoryKeyring
) -> None:
    before = memory_keyring.entry()
    assert before is not None
    expired = {**before, "access_token": fake_jwt(1_000_000_000)}
    memory_keyring.entries[("platform-cli", "default")] = json.dumps(expired)
    token = admin_cli.ok("auth", "token").stdout.strip()
    after = memory_keyring.entry()
    assert after is not None
    assert token == after["access_token"] != expired["access_token"]
    assert after["refresh_token"] != before["refresh_token"]  # rotated, and stored
    # Commands refresh through the SDK hook as well.
    memory_keyring.entries[("platform-cli", "default")] = json.dumps(
        {**after, "access_token": fake_jwt(1_000_000_000)}
    )
    admin_cli.ok("users", "me")
    latest = memory_keyring.entry()
    assert latest is not None and latest["refresh_token"] != after["refresh_token"]


def test_logout_revokes_the_session_and_forgets_the_credential(
    admin_cli: Cli, memory_keyring: MemoryKeyring
) -> None:
    entry = memory_keyring.entry()
    assert entry is not None
    result = admin_cli.run("logout", "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["session_revoked"] is True and data["forgotten_from"] == ["keyring"]
    assert memory_keyring.entry() is None
    with (
        Client(base_url=admin_cli.server_url, api_key="") as client,
        pytest.raises(AuthenticationError),
    ):
        client.auth.refresh(refresh_token=entry["refresh_token"])
    status = admin_cli.run("auth", "status")
    assert status.exit_code == 4
    assert "not logged in" in status.stderr


def test_without_credentials_commands_exit_4(cli: Cli) -> None:
    for args in (["users", "list"], ["users", "me"], ["auth", "token"], ["api-keys", "list"]):
        result = cli.run(*args)
        assert result.exit_code == 4, args
        assert "platform login" in result.stderr


def test_environment_overrides_profile(
    admin_cli: Cli, sdk: Client, admin_credentials: tuple[str, str]
) -> None:
    admin_cli.ok("config", "set", "base_url", "http://127.0.0.1:9")  # nothing listens there
    assert admin_cli.run("users", "me").exit_code == 1
    key = sdk.api_keys.create(name="env").key
    env = {"PLATFORM_BASE_URL": admin_cli.server_url, "PLATFORM_API_KEY": key}
    result = admin_cli.run("auth", "status", "-o", "json", env=env)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == "environment" and data["credential"] == "api_key"
    assert data["base_url"] == admin_cli.server_url
    assert data["user"]["email"] == admin_credentials[0]


def test_no_keyring_refuses_without_insecure_storage(
    cli: Cli, use_keyring: Any, admin_credentials: tuple[str, str]
) -> None:
    from keyring.backends import fail

    use_keyring(fail.Keyring())
    result = cli.login(*admin_credentials)
    assert result.exit_code == 1
    assert "--insecure-storage" in result.stderr
    assert not (cli.config_dir / "credentials.json").exists()
    assert cli.run("users", "me").exit_code == 4


@pytest.mark.parametrize("backend", [BrokenKeyring, HangingKeyring])
def test_failing_keyring_with_insecure_storage_writes_a_0600_file(
    cli: Cli,
    use_keyring: Any,
    admin_credentials: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    backend: type,
) -> None:
    monkeypatch.setattr(credentials, "KEYRING_TIMEOUT_SECONDS", 0.2)
    use_keyring(backend())
    refused = cli.login(*admin_credentials)
    assert refused.exit_code == 1 and "--insecure-storage" in refused.stderr
    result = cli.login(*admin_credentials, "--insecure-storage")
    assert result.exit_code == 0, result.stderr
    path = cli.config_dir / "credentials.json"
    assert str(path) in result.stderr and "0600" in result.stderr
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = json.loads(json.loads(path.read_text())["default"])
    assert stored["kind"] == "session" and admin_credentials[1] not in path.read_text()
    status = cli.json("auth", "status")
    assert status["source"] == "file"
    logout = cli.run("logout", "-o", "json")
    assert json.loads(logout.stdout)["forgotten_from"] == ["file"]
    assert "default" not in json.loads(path.read_text())


class ReadCountingKeyring(BrokenKeyring):
    """A failing keyring that records every read."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.reads.append(username)
        return super().get_password(service, username)


def test_a_credential_in_the_file_is_used_without_asking_the_keyring(
    cli: Cli, use_keyring: Any, admin_credentials: tuple[str, str]
) -> None:
    backend: ReadCountingKeyring = use_keyring(ReadCountingKeyring())
    assert cli.login(*admin_credentials, "--insecure-storage").exit_code == 0
    backend.reads.clear()
    assert cli.json("users", "me")["email"] == admin_credentials[0]
    assert backend.reads == []


def test_register_verify_and_reset_password_commands(cli: Cli, sdk: Client) -> None:
    env = {"PLATFORM_BASE_URL": cli.server_url}
    email = f"cli-signup-{uuid.uuid4().hex[:10]}@example.com"
    args = ("users", "register", "--email", email, "--name", "Cli Signup", "--password-stdin")
    first = cli.run(*args, input="tidal-lantern-42\n", env=env)
    again = cli.run(*args, input="copper-willow-57\n", env=env)
    assert first.exit_code == again.exit_code == 0, first.stderr
    assert first.stdout == again.stdout
    assert "Check your inbox to finish signing up." in first.stdout
    [user] = sdk.users.list(q=email)
    assert user.email_verified_at is None and user.name == "Cli Signup"

    asked = cli.run("auth", "reset-password", "--email", email, "-o", "json", env=env)
    assert asked.exit_code == 0, asked.stderr
    assert json.loads(asked.stdout)["detail"].startswith("If that address has an account")

    bad = cli.run("auth", "verify-email", "not-a-real-code", env=env)
    assert bad.exit_code == 1
    assert "not valid" in bad.stderr and "not-a-real-code" not in bad.stderr
    refused = cli.run(
        "auth", "reset-password", "--token", "not-a-real-code", "--password-stdin",
        input="a-new-password-1\n", env=env,
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "not valid" in refused.stderr and "a-new-password-1" not in refused.stderr
    resent = cli.run("auth", "verify-email", "--resend", email, env=env)
    assert resent.exit_code == 0, resent.stderr
    assert "verification" in resent.stdout


def test_reset_password_needs_exactly_one_of_email_or_token(cli: Cli) -> None:
    env = {"PLATFORM_BASE_URL": cli.server_url}
    neither = cli.run("auth", "reset-password", env=env)
    both = cli.run("auth", "reset-password", "--email", "a@example.com", "--token", "t", env=env)
    for result in (neither, both):
        assert result.exit_code == 2
        assert "--email" in result.stderr and "--token" in result.stderr
    assert cli.run("auth", "verify-email", env=env).exit_code == 2
