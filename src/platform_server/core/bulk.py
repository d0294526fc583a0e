"""Many rows into one table at once: `COPY` on PostgreSQL, one executemany elsewhere.

For loading data in bulk (`platform server seed`), not for request paths: COPY skips
SQLAlchemy's per-row work, so a million rows take seconds, but its errors are
asyncpg's own (a unique violation is not translated to an `IntegrityError`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession


async def copy_rows(session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Inserts `rows` (all with the same keys) in the session's transaction."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        await session.execute(insert(table), list(rows))
        return
    connection = await session.connection()
    # SQLAlchemy begins the transaction on its first statement: COPY on the driver's
    # connection before that would run (and commit) on its own.
    await connection.exec_driver_sql("SELECT 1")
    raw = await connection.get_raw_connection()
    columns = list(rows[0])
    # asyncpg sends json columns as text; every other type goes as the row holds it.
    as_json = {name for name in columns if isinstance(table.c[name].type, JSON)}
    records = [
        tuple(
            json.dumps(row[c]) if c in as_json and row[c] is not None else row[c] for c in columns
        )
        for row in rows
    ]
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table.name, records=records, columns=columns
    )


async def vacuum_analyze(engine: AsyncEngine) -> None:
    """After a bulk load (PostgreSQL; SQLite plans without): fresh planner statistics,
    and the full-text index's pending list merged into the index. GIN keeps new entries
    in an unsorted list (up to 4 MB) that every search reads in full until a vacuum
    merges it: after a million-row seed, one two-word search spent most of its time
    there. VACUUM cannot run inside a transaction, hence the autocommit connection."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM (ANALYZE)"))
