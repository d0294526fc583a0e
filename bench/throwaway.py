"""A PostgreSQL database that exists only for one benchmark run.

A database left over from earlier runs holds their orders, events and
notifications, and figures drift as it grows; every run starts from empty.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
from sqlalchemy.engine import make_url


@contextmanager
def throwaway_database(url: str | None) -> Iterator[str | None]:
    """Yields a URL of a new database on the server `url` names (dropped afterwards);
    None (SQLite in the run's own directory) passes through."""
    if not url:
        yield None
        return
    parsed = make_url(url)
    name = f"{parsed.database or 'bench'}_{secrets.token_hex(4)}"
    # The maintenance database, so the named one need not exist.
    admin = parsed.set(drivername="postgresql", database="postgres")
    admin_url = admin.render_as_string(hide_password=False)

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
