"""`platform server create-admin` applies the password policy every other way of setting
a password does (length, strength, the admin's own email or name)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from platform_cli.main import app
from tests.servers import test_database as new_database


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with new_database(tmp_path) as url:
        yield {"PLATFORM_DATABASE_URL": url}


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("password", "at least 10 characters"),
        ("1234567890", "too weak"),
        ("root-admin-2026", "email address or name"),
    ],
)
def test_a_weak_admin_password_is_refused(env: dict[str, str], password: str, says: str) -> None:
    args = ["server", "create-admin", "--email", "root@example.com", "--name", "Root Admin"]
    result = CliRunner().invoke(app, [*args, "--password", password], env=env)
    assert result.exit_code == 2, result.output
    assert says in result.stderr and password not in result.stderr


def test_a_strong_admin_password_creates_the_admin(env: dict[str, str]) -> None:
    args = ["server", "create-admin", "--email", "Boss@Example.com"]
    result = CliRunner().invoke(app, [*args, "--password", "quiet-harbour-lantern-93"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Created admin boss@example.com.\n"
