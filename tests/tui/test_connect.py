"""`platform tui` signs in like the CLI: same profile, same stored credential, and a
refreshed session token is stored back (the CLI keeps working with it)."""

from __future__ import annotations

import pytest

from platform_cli import __version__
from platform_cli.client import Connection
from platform_cli.tui.cli import TEXTUAL_MISSING
from platform_cli.tui.connect import async_client
from tests.cli.conftest import Cli, MemoryKeyring

pytestmark = pytest.mark.anyio


async def test_the_dashboard_client_uses_and_saves_the_profile_credential(
    admin_cli: Cli, memory_keyring: MemoryKeyring
) -> None:
    stored = memory_keyring.entry()
    assert stored is not None
    conn = Connection.open()
    async with async_client(conn) as client:
        assert client.base_url == admin_cli.server_url
        me = await client.users.me()
        assert me.role == "admin"
        await client.auth.refresh()  # as when the access token expires mid-session
        # The refresh names the dashboard in the session (the Sessions list shows it).
        sessions = (await client.auth.sessions.list()).data
        current = next(s for s in sessions if s.current)
        assert current.user_agent is not None
        assert current.user_agent.startswith(f"platform-tui/{__version__} platform-sdk-python/")
        saved = memory_keyring.entry()
        assert saved is not None
        assert saved["refresh_token"] == client.refresh_token != stored["refresh_token"]
    # The CLI goes on with the rotated token.
    assert admin_cli.json("users", "me")["role"] == "admin"


def test_tui_command_is_registered_and_refuses_without_a_terminal(admin_cli: Cli) -> None:
    help_text = admin_cli.ok("tui", "--help").stdout
    assert "--read-only" in help_text and "--refresh" in help_text
    result = admin_cli.run("tui")  # CliRunner: no terminal
    assert result.exit_code == 2
    assert "needs a terminal" in result.stderr


def test_missing_textual_is_explained(admin_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "textual" else real(name, *a)
    )
    result = admin_cli.run("tui")
    assert result.exit_code == 1
    assert TEXTUAL_MISSING in result.stderr
