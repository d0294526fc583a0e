"""`platform auth mfa enable|disable|recovery-codes` and `platform login --code`."""

from __future__ import annotations

import uuid

import pyotp
import pytest

from platform_cli import terminal
from platform_sdk import Client
from platform_server.auth.mfa import codes as server_codes
from tests.cli.conftest import Cli
from tests.server.mfa_helpers import Authenticator

PASSWORD = "tidal-lantern-42"


@pytest.fixture
def user_cli(cli: Cli, sdk: Client, monkeypatch: pytest.MonkeyPatch) -> tuple[Cli, str, str]:
    """A CLI signed in as a new customer, and the TOTP secret its enrolment will get
    (the in-process test server draws it from here instead of at random)."""
    email = f"mfa-cli-{uuid.uuid4().hex[:10]}@example.com"
    sdk.users.create(email=email, password=PASSWORD, name="Mfa Cli")
    assert cli.login(email, PASSWORD).exit_code == 0
    secret = pyotp.random_base32()
    monkeypatch.setattr(server_codes, "new_secret", lambda: secret)
    return cli, email, secret


def test_enable_prints_a_qr_code_and_recovery_codes(
    user_cli: tuple[Cli, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, email, secret = user_cli
    app = Authenticator(secret)
    monkeypatch.setattr(terminal, "stdin_is_tty", lambda: True)
    result = cli.ok("auth", "mfa", "enable", input=app.code() + "\n")
    assert "▄" in result.stdout or "█" in result.stdout  # the QR code
    assert f"secret={secret}" in result.stdout and "otpauth://totp/" in result.stdout
    assert "Two-factor sign-in is on." in result.stdout
    recovery = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    recovery = [c for c in recovery if len(c) == 11 and c[5] == "-"]
    assert len(recovery) == 10

    # Signing in now needs a code: --code, or a prompt on a terminal.
    assert cli.run("logout").exit_code == 0
    monkeypatch.setattr(terminal, "stdin_is_tty", lambda: False)
    missing = cli.login(email, PASSWORD)
    assert missing.exit_code != 0 and "--code" in missing.stderr
    signed_in = cli.login(email, PASSWORD, "--code", app.code())
    assert signed_in.exit_code == 0, signed_in.stderr
    assert f"as {email}" in signed_in.stdout
    sessions = cli.json("auth", "sessions", "list")
    assert next(s for s in sessions if s["current"])["mfa"] is True

    wrong = cli.run("auth", "mfa", "disable", "--code", app.wrong_code())
    assert wrong.exit_code != 0 and "not correct" in wrong.stderr
    new_codes = cli.json("auth", "mfa", "recovery-codes", "--code", recovery[0])
    assert len(new_codes["recovery_codes"]) == 10
    cli.ok("auth", "mfa", "disable", "--code", new_codes["recovery_codes"][0])
    assert cli.run("logout").exit_code == 0
    assert cli.login(email, PASSWORD).exit_code == 0


def test_login_prompts_for_the_code(
    user_cli: tuple[Cli, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, email, secret = user_cli
    app = Authenticator(secret)
    enabled = cli.json("auth", "mfa", "enable", "--code", app.code())
    assert enabled["enabled"] is True and len(enabled["recovery_codes"]) == 10
    monkeypatch.setattr(terminal, "stdin_is_tty", lambda: True)
    code = app.code()
    result = cli.run("login", "--base-url", cli.server_url, input=f"{email}\n{PASSWORD}\n{code}\n")
    assert result.exit_code == 0, result.stderr
    assert "Code from your authenticator app" in result.stderr
    assert f"as {email}" in result.stdout


def test_an_admin_resets_a_users_factor(
    user_cli: tuple[Cli, str, str], admin_credentials: tuple[str, str]
) -> None:
    cli, email, secret = user_cli
    cli.json("auth", "mfa", "enable", "--code", Authenticator(secret).code())
    user_id = cli.json("users", "me")["id"]
    assert cli.login(*admin_credentials).exit_code == 0  # now the admin
    refused = cli.run("users", "mfa-reset", user_id)
    assert refused.exit_code == 2 and "pass --yes" in refused.stderr
    dry = cli.ok("users", "mfa-reset", user_id, "--dry-run").stdout
    assert f"would turn off the second factor of {email}" in dry
    assert cli.json("users", "mfa-reset", user_id, "--yes") == {"id": user_id, "mfa_reset": True}
    again = cli.run("users", "mfa-reset", user_id, "--yes")
    assert again.exit_code != 0 and "no second factor" in again.stderr
    # The password alone signs the user in again.
    assert cli.login(email, PASSWORD).exit_code == 0
    assert cli.run("users", "mfa-reset", str(uuid.uuid4()), "--yes").exit_code == 5
