from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


def loaded_after(code: str) -> set[str]:
    """Modules loaded in a fresh interpreter after running ``code``."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return set(result.stdout.split())


def test_sync_client_loads_only_what_it_uses() -> None:
    bare = loaded_after("import platform_sdk")
    assert not {"httpx", "pydantic", "platform_sdk.errors", "platform_sdk.webhooks"} & bare

    client_only = loaded_after("from platform_sdk import Client, errors")
    assert "httpx" in client_only
    assert not {"pydantic", "platform_sdk._async_client", "platform_sdk.webhooks"} & client_only

    products = loaded_after(
        "from platform_sdk import Client\nClient('http://127.0.0.1:1', api_key='k').products"
    )
    models = {m for m in products if m.startswith("platform_sdk.models.")}
    resources = {m for m in products if m.startswith("platform_sdk.resources.")}
    resources.discard("platform_sdk.resources._calls")  # shared by every resource
    assert models == {"platform_sdk.models._base", "platform_sdk.models.catalog"}
    assert resources == {"platform_sdk.resources.products"}
    assert "platform_sdk._async_client" not in products


def test_every_public_name_still_resolves() -> None:
    import platform_sdk
    from platform_sdk import models, resources

    for package in (platform_sdk, models, resources):
        for name in package.__all__:
            assert getattr(package, name) is not None, name
        assert set(package.__all__) <= set(dir(package))
    assert platform_sdk.models.Product is models.catalog.Product
    assert platform_sdk.errors.NotFoundError is platform_sdk.NotFoundError
    assert platform_sdk.webhooks.verify is not None
    with pytest.raises(AttributeError, match="NoSuchThing"):
        platform_sdk.NoSuchThing  # noqa: B018 - the lookup itself is the test
