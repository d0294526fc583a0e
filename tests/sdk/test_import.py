from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
NEVER = ("platform_server", "platform_cli", "typer", "textual", "fastapi", "sqlalchemy", "rich")


def import_profile(statement: str) -> dict[str, int]:
    """Cumulative microseconds per top-level-imported module, from ``-X importtime``."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    times: dict[str, int] = {}
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if match:
            times[match.group(3)] = int(match.group(1))
    return times


# How long the import takes is measured by bench/cli_startup.py, not asserted here: these
# machines are too noisy for timed tests.
def test_import_pulls_no_server_cli_or_asyncio() -> None:
    baseline = import_profile("import httpx, pydantic")
    profile = import_profile("import platform_sdk")

    # httpx itself imports rich (for its optional CLI) when rich is installed, as in the
    # dev environment; only what platform_sdk adds on top is its responsibility.
    added = set(profile) - set(baseline)
    forbidden = sorted(m for m in added if m.split(".")[0] in NEVER)
    assert forbidden == []
    assert not any(m.split(".")[0] in NEVER[:5] for m in profile)
    assert "asyncio" not in profile  # imported only once an AsyncClient needs it
