"""Dashboard tests: Textual's Pilot against the real test server, and snapshots of fixed
data (``fake.py``). Everything runs headless."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

pytest.importorskip("textual")

from platform_cli.tui.app import Options, PlatformApp
from platform_sdk import AsyncClient, RetryPolicy
from tests.cli.conftest import admin_cli, cli, config_dir, memory_keyring, use_keyring  # noqa: F401 - the CLI's fixtures, for test_connect
from tests.server.commerce.conftest import Shop

# Quick retries: a test of the server going away should not wait out the default backoff.
FAST_RETRY = RetryPolicy(max_retries=1, initial_delay=0.05, max_delay=0.1, jitter=0)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def shop(api: httpx.Client, admin_headers: dict[str, str]) -> Shop:
    return Shop(api, admin_headers)


@pytest.fixture
async def admin_client(
    server_url: str, admin_credentials: tuple[str, str]
) -> AsyncIterator[AsyncClient]:
    email, password = admin_credentials
    async with AsyncClient(server_url, retry=FAST_RETRY) as client:
        await client.auth.login(email=email, password=password)
        yield client


class RecordingApp(PlatformApp):
    """The dashboard, remembering every notification it showed (for assertions)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.messages: list[tuple[str, str]] = []

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.messages.append((message, str(kwargs.get("severity", "information"))))
        super().notify(message, **kwargs)

    def said(self, fragment: str, severity: str | None = None) -> bool:
        return any(
            fragment in message and (severity is None or level == severity)
            for message, level in self.messages
        )


@pytest.fixture
def make_app(admin_client: AsyncClient) -> Callable[..., RecordingApp]:
    def make(client: Any = None, **options: Any) -> RecordingApp:
        options.setdefault("refresh", 30.0)
        return RecordingApp(client or admin_client, Options(**options))

    return make


async def wait_until(pilot: Any, predicate: Callable[[], Any], seconds: float = 10.0) -> None:
    """Let the app run until ``predicate()`` is true (SDK calls run in workers)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {predicate}")
        await pilot.pause(0.05)
