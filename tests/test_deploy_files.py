"""The deployment recipe stays in step with the code that it configures.

compose.yaml and the Dockerfile are not run here (no container engine on CI), so this
is what keeps them honest: every `PLATFORM_*` name they or docs/deploy.md mention is a
real setting, and every command they run is a real `platform` command.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.main import get_command

from platform_cli.main import app
from platform_server.core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SETTING = re.compile(r"\bPLATFORM_([A-Z0-9_]+)\b")
# Read by the test suite and the CLI, not by the server's settings.
NOT_SERVER_SETTINGS = {"ENV_FILE", "URL", "TOKEN", "PROFILE"}


def _names_in(text: str) -> set[str]:
    return {name for name in SETTING.findall(text) if not name.startswith("TEST_")}


@pytest.mark.parametrize("path", ["compose.yaml", "Dockerfile", "docs/deploy.md"])
def test_every_platform_setting_named_is_a_real_setting(path: str) -> None:
    names = _names_in((ROOT / path).read_text())
    assert names, f"{path} names no setting: is this the right file?"
    known = {field.upper() for field in Settings.model_fields}
    # `PLATFORM_SMTP_*` names a family: some setting must start with it.
    families = {name for name in names if name.endswith("_")}
    unknown = sorted(
        (names - families - known - NOT_SERVER_SETTINGS)
        | {f for f in families if not any(k.startswith(f) for k in known)}
    )
    assert not unknown, f"{path} names settings that do not exist: {unknown}"


def _platform_commands(compose: dict[str, object]) -> list[list[str]]:
    commands = []
    for service in compose["services"].values():  # type: ignore[attr-defined]
        command = service.get("command")
        if command and command[0] == "platform":
            commands.append(command[1:])
    return commands


def test_compose_runs_only_real_platform_commands_and_options() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    dockerfile_cmd = re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.M)
    assert dockerfile_cmd is not None
    commands = [*_platform_commands(compose), yaml.safe_load(dockerfile_cmd.group(1))[1:]]
    assert len(commands) >= 4
    root = get_command(app)
    for words in commands:
        command: Any = root
        names = [w for w in words if not w.startswith("-")]
        for name in names[:2]:  # `server run`, `worker run`, `server migrate`
            command = command.get_command(typer.Context(command), name)
        assert command is not None, f"no command `platform {' '.join(names[:2])}`"
        options = {o for param in command.params for o in (*param.opts, *param.secondary_opts)}
        used = {w for w in words if w.startswith("--")}
        assert used <= options, f"`platform {' '.join(names[:2])}` has no {used - options}"


def test_compose_api_and_worker_share_one_configuration() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    api_env = services["api"]["environment"]
    for name in ("migrate", "worker"):
        assert services[name]["environment"] == api_env
    # The three shared services are configured, so N processes really share state.
    for setting in ("PLATFORM_DATABASE_URL", "PLATFORM_REDIS_URL", "PLATFORM_BROKER_URL"):
        assert api_env[setting]
