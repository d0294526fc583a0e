from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from platform_server.core.settings import Settings
from platform_server.storage.base import Storage
from platform_server.storage.factory import open_storage
from tests.s3_server import S3Server, running_s3


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with running_s3() as server:
        yield server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["local", "s3"])
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path, s3_server: S3Server
) -> AsyncIterator[Storage]:
    """The same tests for each backend: a directory, or a bucket on a real S3 API."""
    if request.param == "local":
        settings = Settings(data_dir=tmp_path)
    else:
        # The smallest part S3 allows, so a few MB already take the multipart path.
        settings = Settings(
            data_dir=tmp_path, s3_part_mb=5, **s3_server.settings(s3_server.new_bucket())
        )
    backend = open_storage(settings)
    yield backend
    await backend.close()
