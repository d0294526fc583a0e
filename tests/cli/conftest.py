"""CLI tests: CliRunner, an isolated config dir, an in-memory keyring, the real test server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError
from typer.testing import CliRunner, Result

from platform_cli.main import app
from platform_sdk import Client


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError("not found")
        del self.entries[(service, username)]

    def entry(self, profile: str = "default") -> dict[str, Any] | None:
        text = self.entries.get(("platform-cli", profile))
        return json.loads(text) if text else None


class BrokenKeyring(KeyringBackend):
    """A backend that exists but fails every call (a locked or misconfigured keyring)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("the keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the keyring is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("the keyring is locked")


class HangingKeyring(BrokenKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(5)
        return None


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "config"
    monkeypatch.setenv("PLATFORM_CONFIG_DIR", str(directory))
    for name in (
        "PLATFORM_API_KEY",
        "PLATFORM_BASE_URL",
        "PLATFORM_PROFILE",
        "NO_COLOR",
        "PLATFORM_LOG",
    ):
        monkeypatch.delenv(name, raising=False)
    return directory


@pytest.fixture
def use_keyring() -> Iterator[Any]:
    previous = keyring.get_keyring()

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(use_keyring: Any) -> MemoryKeyring:
    backend: MemoryKeyring = use_keyring(MemoryKeyring())
    return backend


@dataclass
class Cli:
    server_url: str
    config_dir: Path
    runner: CliRunner

    def run(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return self.runner.invoke(app, list(args), input=input, env=env)

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self.run(*args, input=input)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return result

    def json(self, *args: str, input: str | None = None) -> Any:
        return json.loads(self.ok(*args, "-o", "json", input=input).stdout)

    def login(self, email: str, password: str, *extra: str) -> Result:
        return self.run(
            "login",
            "--email",
            email,
            "--password-stdin",
            "--base-url",
            self.server_url,
            *extra,
            input=password + "\n",
        )


@pytest.fixture
def cli(server_url: str, config_dir: Path, memory_keyring: MemoryKeyring) -> Cli:
    return Cli(server_url, config_dir, CliRunner())


@pytest.fixture
def admin_cli(cli: Cli, admin_credentials: tuple[str, str]) -> Cli:
    result = cli.login(*admin_credentials)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return cli


@pytest.fixture
def sdk(server_url: str, admin_credentials: tuple[str, str]) -> Iterator[Client]:
    """An admin SDK client, to check what the CLI did (or did not do). Signed in on its
    own, it refreshes its tokens however long the test runs."""
    email, password = admin_credentials
    with Client(base_url=server_url) as client:
        client.auth.login(email=email, password=password)
        yield client
