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

    python bench/statement_cost.py --database-url … --compare-with OTHER/src

times instead an order-shaped transaction (two reads, the price read, the stock take,
four inserts) with this build's `core/direct.py` and with OTHER's (the module needs
nothing of the project, so both load in one process), alternating in short rounds:
on a shared host whose speed drifts, each round's ratio is the figure to read.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    insert,
    select,
    update,
)
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
_log = Table(
    "probe_log",
    _meta,
    Column("id", Uuid, primary_key=True, default=uuid.uuid4),
    Column("n", Integer, nullable=False),
)


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


def _load_direct(src: str) -> ModuleType:
    path = Path(src) / "platform_server" / "core" / "direct.py"
    spec = importlib.util.spec_from_file_location("other_direct", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def _order_shaped(module: ModuleType, price_in_list: bool) -> Callable[..., Awaitable[None]]:
    """The statements of one order, as Direct statements of `module`: the price read as
    an expanding IN (this branch's catalog) or by `=` (the previous one's, one product)."""
    cls = module.Direct
    read = cls(_ONE)
    price = cls(
        select(_probe.c.id, _probe.c.n).where(
            _probe.c.id.in_(bindparam("ids", expanding=True))
            if price_in_list
            else _probe.c.id == bindparam("id")
        )
    )
    take = cls(
        update(_probe)
        .where(_probe.c.id == bindparam("pid"))
        .values(n=_probe.c.n + 1)
        .returning(_probe.c.n)
    )
    write = cls(insert(_log))

    async def order(session: AsyncSession, key: uuid.UUID) -> None:
        await module.run(session, read, {"id": key})
        await module.run(session, read, {"id": key})
        await module.run(session, price, {"ids": [key]} if price_in_list else {"id": key})
        await module.run(session, take, {"pid": key})
        for n in range(4):
            await module.run(session, write, {"n": n})

    return order


async def compare(url: str, other: str, rounds: int, per_round: int) -> None:
    engine = create_async_engine(url, pool_pre_ping=False)
    key = uuid.uuid4()
    async with engine.begin() as connection:
        await connection.run_sync(_meta.create_all)
        await connection.execute(insert(_probe), {"id": key, "n": 1, "label": "probe"})
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    builds = {
        "this build": _order_shaped(direct, price_in_list=True),
        "other build": _order_shaped(_load_direct(other), price_in_list=False),
    }

    def transaction(order: Callable[..., Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def one() -> None:
            session: AsyncSession
            async with sessions() as session, session.begin():
                await order(session, key)

        return one

    micros: dict[str, list[float]] = {name: [] for name in builds}
    try:
        for turn in range(rounds):
            names = list(builds) if turn % 2 == 0 else list(reversed(builds))
            for name in names:
                micros[name].append(await _cpu_per_call(transaction(builds[name]), per_round))
    finally:
        await engine.dispose()
    ratios = [a / b for a, b in zip(micros["this build"], micros["other build"], strict=True)]
    print(f"order-shaped transaction (8 statements), {rounds} alternating rounds of {per_round}")
    print(f"other build: {other}")
    print("| round | this build µs | other build µs | ratio |")
    print("| ---: | ---: | ---: | ---: |")
    for turn, (a, b, r) in enumerate(
        zip(micros["this build"], micros["other build"], ratios, strict=True), 1
    ):
        print(f"| {turn} | {a:.0f} | {b:.0f} | {r:.3f} |")
    print(
        f"| median | {statistics.median(micros['this build']):.0f} | "
        f"{statistics.median(micros['other build']):.0f} | {statistics.median(ratios):.3f} |"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server (asyncpg)")
    parser.add_argument("-n", type=int, default=3000)
    parser.add_argument("--compare-with", metavar="SRC", help="another build's src/ (see above)")
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    with throwaway_database(args.database_url) as url:
        assert url is not None
        if args.compare_with:
            asyncio.run(compare(url, args.compare_with, args.rounds, max(args.n // 10, 50)))
        else:
            asyncio.run(main(url, args.n))
