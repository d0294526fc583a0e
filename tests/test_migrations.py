"""Migrations and models never drift: after `upgrade head`, autogenerate finds nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from platform_server.core.migrate import include_object
from platform_server.models import metadata
from tests.servers import LiveServer


def _diff(url: str) -> list[Any]:
    async def go() -> list[Any]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(sync, opts={"include_object": include_object}),
                        metadata,
                    )
                )
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_migrated_schema_matches_the_models(server: LiveServer) -> None:
    # Type comparison is noisy across backends (our UTC wrapper vs DateTime); the
    # structure (tables, columns, indexes, constraints) is what must agree.
    diffs = [d for d in _diff(server.settings.resolved_database_url) if _structural(d)]
    assert diffs == []


def _structural(diff: Any) -> bool:
    ops = diff if isinstance(diff, list) else [diff]
    return not all(isinstance(op, tuple) and op[0] == "modify_type" for op in ops)
