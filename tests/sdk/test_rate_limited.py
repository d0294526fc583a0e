"""A 429 from a real server: the SDK waits out `Retry-After` within its retry budget and
tells `on_retry` how long it waited (sync and async)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.server.conftest import own_server
from tests.servers import LiveServer

from platform_sdk import AsyncClient, Client, RateLimitError, RetryNotice, RetryPolicy

# One anonymous call a second: the second call of a burst meets a 429 with Retry-After: 1.
# A call can land just after a window ends on a slow machine, so bursts are repeated
# until one met the limit (the first burst nearly always does).
BURSTS = 10


@pytest.fixture
def tight_server(tmp_path: Path, server: LiveServer) -> Iterator[LiveServer]:
    with own_server(
        tmp_path, server.settings.resolved_database_url, rate_limit_per_ip="1/second"
    ) as live:
        yield live


def test_sync_client_waits_out_a_429(tight_server: LiveServer) -> None:
    notices: list[RetryNotice] = []
    with Client(tight_server.url, on_retry=notices.append) as client:
        for _ in range(BURSTS):
            for _ in range(2):
                assert client.products.list(limit=1).data is not None
            if notices:
                break
    assert notices, "no call met the limit"
    notice = notices[0]
    assert notice.rate_limited and notice.status == 429
    assert notice.waited == 1.0  # the server's Retry-After, not the exponential backoff
    assert (
        notice.method == "GET" and "/api/v1/products?" in notice.url
    )  # query values redacted, as in logs
    assert notice.retry == 1 and notice.max_retries == 2


@pytest.mark.anyio
async def test_async_client_waits_out_a_429(tight_server: LiveServer) -> None:
    notices: list[RetryNotice] = []
    async with AsyncClient(tight_server.url, on_retry=notices.append) as client:
        for _ in range(BURSTS):
            for _ in range(2):
                assert (await client.products.list(limit=1)).data is not None
            if notices:
                break
    assert notices and notices[0].rate_limited and notices[0].waited == 1.0


def test_without_retries_the_429_reaches_the_caller(tight_server: LiveServer) -> None:
    notices: list[RetryNotice] = []
    policy = RetryPolicy(max_retries=0)
    with (
        Client(tight_server.url, retry=policy, on_retry=notices.append) as client,
        pytest.raises(RateLimitError) as caught,
    ):
        for _ in range(BURSTS * 2):
            client.products.list(limit=1)
    assert caught.value.status_code == 429
    assert caught.value.retry_after == 1.0
    assert "ip" in caught.value.response.headers["ratelimit"]
    assert notices == []
