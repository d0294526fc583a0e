from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import respx
from sdk_helpers import BASE_URL, NO_JITTER

from platform_sdk import AsyncClient, Client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PLATFORM_BASE_URL", "PLATFORM_API_KEY", "PLATFORM_LOG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> Iterator[Client]:
    with Client(BASE_URL, api_key="plat_test", retry=NO_JITTER) as c:
        c._sleep = sleeps.append
        yield c


@pytest.fixture
async def aclient(sleeps: list[float]) -> AsyncIterator[AsyncClient]:
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    async with AsyncClient(BASE_URL, api_key="plat_test", retry=NO_JITTER) as c:
        c._sleep = record
        yield c


@pytest.fixture
def live(request: pytest.FixtureRequest) -> tuple[str, tuple[str, str]]:
    """``(server_url, (admin_email, admin_password))`` of the suite's live server."""
    try:
        server_url: str = request.getfixturevalue("server_url")
        credentials: tuple[str, str] = request.getfixturevalue("admin_credentials")
    except pytest.FixtureLookupError:
        pytest.skip("needs the live-server fixtures server_url and admin_credentials")
    return server_url, credentials
