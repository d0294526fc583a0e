"""Where the caller's reads run: in the request's open transaction on PostgreSQL (one
pool checkout per request), never on SQLite (whose one writer the request may hold)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from platform_server.core.database import Database
from tests import servers


def test_lookups_join_the_requests_transaction_on_postgresql_only(tmp_path: Path) -> None:
    with servers.test_database(tmp_path) as url:
        settings = servers.make_settings(tmp_path, url)

        async def go() -> tuple[bool, bool, bool]:
            db = Database(settings)
            try:
                async with db.transaction() as own:
                    opened = SimpleNamespace(state=SimpleNamespace(db_session=own))
                    unopened = SimpleNamespace(state=SimpleNamespace())
                    async with db.lookups(opened) as session:  # type: ignore[arg-type]
                        joined = session is own
                    async with db.lookups(unopened) as session:  # type: ignore[arg-type]
                        separate = session is not own
                    async with db.lookups() as session:
                        alone = session is not own
                    return joined, separate, alone
            finally:
                await db.dispose()

        joined, separate, alone = asyncio.run(go())
    assert joined is (not settings.is_sqlite)
    assert separate and alone
