"""Many rows into one table at once.

`insert_rows` is for request and job paths (batch upserts, bulk imports): on PostgreSQL
one `INSERT … SELECT unnest(…)` statement with an array per column, so the server
plans and runs one statement rather than one per row, with SQLAlchemy's types and
errors (a unique violation is an `IntegrityError`); one executemany elsewhere.

`copy_rows` is for loading data in bulk (`platform server seed`), not for request paths:
COPY skips SQLAlchemy's per-row work, so a million rows take seconds, but its errors are
asyncpg's own (a unique violation is not translated to an `IntegrityError`)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    ColumnElement,
    Insert,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

# What a change applied to many rows at once (a price list, a stock-take, a shipping
# file) did to one of them; `valid`: a dry run would have made it.
RowOutcome = Literal["updated", "unchanged", "valid", "error"]


@dataclass(frozen=True)
class SeedRows:
    """Made-up rows numbered `first` to `first + count - 1`, the `n`-th created at
    `since + step * n`, their values drawn from `rng` (repeatable with its seed)."""

    first: int
    count: int
    rng: random.Random
    since: datetime
    step: timedelta

    def numbered(self) -> range:
        return range(self.first, self.first + self.count)

    def created_at(self, number: int) -> datetime:
        return self.since + self.step * number

    def chunks(self, size: int) -> Iterator[SeedRows]:
        """These rows, `size` at a time (a transaction each, for whoever loads them)."""
        for first in range(self.first, self.first + self.count, size):
            yield replace(self, first=first, count=min(size, self.first + self.count - first))


async def insert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    json_text: tuple[str, ...] = (),
) -> None:
    """Inserts `rows` in the session's transaction. Every row has the same keys, and
    gives every column a Python-side default would fill (none is applied here). The
    JSON columns named in `json_text` take JSON text as it is (pydantic's
    `model_dump_json`, several times faster than a dict's dump and `json.dumps`)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        if json_text:
            rows = [{**row, **{f"{n}_text": row[n] for n in json_text}} for row in rows]
        await session.execute(_values_insert(table, json_text), list(rows))
        return
    columns = tuple(rows[0])
    await session.execute(
        _unnest_insert(table, columns, json_text),
        {name: [row[name] for row in rows] for name in columns},
    )


@lru_cache(maxsize=64)
def _unnest_insert(table: Table, columns: tuple[str, ...], json_text: tuple[str, ...]) -> Insert:
    # Set-returning functions side by side in a select list run in step (PostgreSQL 10+):
    # row i takes element i of every array.
    def array(name: str) -> ColumnElement[Any]:
        column = table.c[name]
        if name in json_text:
            return cast(func.unnest(bindparam(name, type_=ARRAY(Text))), column.type)
        return func.unnest(bindparam(name, type_=ARRAY(column.type)))

    arrays = [array(name) for name in columns]
    return insert(table).from_select(columns, select(*arrays), include_defaults=False)


@lru_cache(maxsize=64)
def _values_insert(table: Table, json_text: tuple[str, ...]) -> Insert:
    # The text goes in as text (SQLite stores JSON as text); the row's own key is
    # ignored, as the statement names the column's value.
    stmt = insert(table)
    if not json_text:
        return stmt
    return stmt.values({n: bindparam(f"{n}_text", type_=Text) for n in json_text})


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
