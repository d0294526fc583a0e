"""The CLI against a server with a tight limit: it waits out the 429 and says so."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli
from tests.server.conftest import own_server
from tests.servers import LiveServer

# A call can land just after a window ends on a slow machine: the pair of commands is
# repeated until one met the limit (the first pair nearly always does).
TRIES = 10


def test_a_rate_limited_command_waits_and_says_so(
    cli: Cli, tmp_path: Path, server: LiveServer
) -> None:
    database = server.settings.resolved_database_url
    with own_server(tmp_path, database, rate_limit_per_ip="1/second") as live:
        said = []
        for _ in range(TRIES):
            for _ in range(2):
                env = {"PLATFORM_BASE_URL": live.url}
                result = cli.run("products", "list", "-o", "json", env=env)
                assert result.exit_code == 0, (result.stdout, result.stderr)
                said.append(result.stderr)
            if any("Rate limited" in text for text in said):
                break
    assert "Rate limited: waited 1 s and retried.\n" in said


def test_a_command_under_the_limit_says_nothing(cli: Cli, server: LiveServer) -> None:
    result = cli.run("products", "list", "-o", "json", env={"PLATFORM_BASE_URL": server.url})
    assert result.exit_code == 0, result.stderr
    assert "Rate limited" not in result.stderr
