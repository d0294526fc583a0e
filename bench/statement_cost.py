"""CPU per statement and per transaction, through each layer, on PostgreSQL.

    python bench/statement_cost.py --database-url postgresql+asyncpg://postgres@127.0.0.1/bench

Makes a database of its own on that server (dropped after), then times a one-row
select by primary key N times in one process, in CPU seconds of this process (the
server's own CPU is not counted): through an async session, through an async
connection, as a `Direct` statement (`platform_server.core.direct`) and with asyncpg
alone; then whole transactions (begin, that select, commit) through a session and
with asyncpg's own transaction, and a session transaction of eight `Direct` selects
(an order makes eight statements; the first of a transaction may cost more than the
rest). The script only calls `direct.run`, so it measures any build put first on
PYTHONPATH: compare builds by each row's ratio to "asyncpg alone" of the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from throwaway import throwaway_database

from platform_server.core import direct
from platform_server.core.direct import Direct

_meta = MetaData()
_probe = Table(
    "probe",
    _meta,
    Column("id", Uuid, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("label", String(40), nullable=False),
)
_ONE = select(_probe.c.id, _probe.c.n, _probe.c.label).where(_probe.c.id == bindparam("id"))
_DIRECT_ONE = Direct(_ONE)
_SQL = "SELECT id, n, label FROM probe WHERE id = $1"


async def _cpu_per_call(fn: Callable[[], Awaitable[object]], n: int) -> float:
    for _ in range(min(n, 300)):  # warm the caches and the prepared statements
        await fn()
    start = time.process_time()
    for _ in range(n):
        await fn()
    return (time.process_time() - start) / n * 1e6


async def main(url: str, n: int) -> None:
    engine = create_async_engine(url, pool_pre_ping=False)
    key = uuid.uuid4()
    async with engine.begin() as connection:
        await connection.run_sync(_meta.create_all)
        await connection.execute(insert(_probe), {"id": key, "n": 1, "label": "probe"})
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    rows: list[tuple[str, float]] = []
    try:
        async with sessions() as session, session.begin():
            rows.append(
                (
                    "statement: async session",
                    await _cpu_per_call(lambda: session.execute(_ONE, {"id": key}), n),
                )
            )
            rows.append(
                (
                    "statement: Direct in that session",
                    await _cpu_per_call(lambda: direct.run(session, _DIRECT_ONE, {"id": key}), n),
                )
            )
        async with engine.connect() as connection:
            rows.append(
                (
                    "statement: async connection",
                    await _cpu_per_call(lambda: connection.execute(_ONE, {"id": key}), n),
                )
            )
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            rows.append(
                ("statement: asyncpg alone", await _cpu_per_call(lambda: raw.fetch(_SQL, key), n))
            )

        async def in_session() -> None:
            session: AsyncSession
            async with sessions() as session, session.begin():
                await direct.run(session, _DIRECT_ONE, {"id": key})

        async def in_asyncpg() -> None:
            async with engine.connect() as connection:
                driver = (await connection.get_raw_connection()).driver_connection
                assert driver is not None
                async with driver.transaction():
                    await driver.fetch(_SQL, key)

        async def eight_in_session() -> None:
            session: AsyncSession
            async with sessions() as session, session.begin():
                for _ in range(8):
                    await direct.run(session, _DIRECT_ONE, {"id": key})

        rows.append(("transaction: session, Direct select", await _cpu_per_call(in_session, n)))
        rows.append(
            ("transaction: session, 8 Direct selects", await _cpu_per_call(eight_in_session, n))
        )
        rows.append(("transaction: pool + asyncpg's own", await _cpu_per_call(in_asyncpg, n)))
    finally:
        await engine.dispose()
    print(f"{n} calls each, CPU µs per call of this process")
    alone = dict(rows)["statement: asyncpg alone"]
    print("| layer | µs | ratio to asyncpg alone |")
    print("| --- | ---: | ---: |")
    for name, micros in rows:
        print(f"| {name} | {micros:.0f} | {micros / alone:.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server (asyncpg)")
    parser.add_argument("-n", type=int, default=3000)
    args = parser.parse_args()
    with throwaway_database(args.database_url) as url:
        assert url is not None
        asyncio.run(main(url, args.n))
