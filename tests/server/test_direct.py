"""Direct statements (`core/direct.py`) give what the session gives, in its transaction.

Each test runs on the suite's backend: on PostgreSQL the statements go straight to
asyncpg, on SQLite through the session, and the results must not differ.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError, IntegrityError, InvalidRequestError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from platform_server.core import direct
from platform_server.core.database import Database, Money, UTCDateTime
from platform_server.core.direct import Direct
from platform_server.core.ids import new_id
from tests import servers

T = TypeVar("T")

_meta = MetaData()
_probe = Table(
    "direct_probe",
    _meta,
    Column("id", Uuid, primary_key=True, default=new_id),
    Column("code", String(20), nullable=False, unique=True),
    Column("price", Money, nullable=False),
    Column("count", Integer, nullable=False, default=0),
    Column("data", JSON, nullable=True),
    Column("kind", String(10), nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=True, onupdate=lambda: datetime.now(UTC)),
)
# A default that needs SQLAlchemy's execution context: the session path runs it.
_noted = Table(
    "direct_probe_notes",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("note", String(40), default=lambda context: f"for {context.current_parameters['id']}"),
)
_INSERT_NOTED = Direct(insert(_noted))


class _Base(DeclarativeBase):
    metadata = _meta


class _Tag(_Base):
    __tablename__ = "direct_probe_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)


_INSERT = Direct(insert(_probe))
_BY_CODE = Direct(
    select(_probe.c.id, _probe.c.code, _probe.c.price, _probe.c.data, _probe.c.seen_at).where(
        _probe.c.code == bindparam("code"), _probe.c.kind == "plain"
    )
)
_BUMP = Direct(
    update(_probe)
    .where(_probe.c.code == bindparam("which"))
    .values(count=_probe.c.count + bindparam("by"))
    .returning(_probe.c.count, _probe.c.updated_at)
)
_IN_LIST = Direct(
    select(_probe.c.code).where(_probe.c.code.in_(bindparam("codes", expanding=True)))
)
_COUNT = select(func.count()).select_from(_probe)
_TERMINATE_MYSELF = Direct(select(func.pg_terminate_backend(func.pg_backend_pid())))


def _row(code: str, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": code,
        "price": Decimal("19.99"),
        "data": {"a": [1, "two"]},
        "kind": "plain",
        "seen_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
    }
    return values | extra


def _with_database(tmp_path: Path, body: Callable[[Database], Awaitable[T]]) -> T:
    with servers.test_database(tmp_path) as url:
        settings = servers.make_settings(tmp_path, url)

        async def go() -> T:
            db = Database(settings)
            try:
                async with db.engine.begin() as connection:
                    await connection.run_sync(_meta.create_all)
                return await body(db)
            finally:
                await db.dispose()

        return asyncio.run(go())


def test_rows_match_what_the_session_reads(tmp_path: Path) -> None:
    async def body(db: Database) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
        async with db.transaction() as session:
            await direct.run(session, _INSERT, _row("A-1"))
            await direct.run(session, _INSERT, [_row("A-2"), _row("A-3", kind="other")])
            await direct.run(session, _INSERT, [_row("A-4")])  # a list of one
            await direct.run(session, _INSERT, [])  # runs nothing
        async with db.transaction() as session:
            fast = list(await direct.run(session, _BY_CODE, {"code": "A-1"}))
            slow = list((await session.execute(_BY_CODE.statement, {"code": "A-1"})).all())
            bumped = list(await direct.run(session, _BUMP, {"which": "A-2", "by": 3}))
            listed = list(await direct.run(session, _IN_LIST, {"codes": ["A-1", "A-3", "Z"]}))
            for codes in ([], ["A-4"], ["A-2", "A-4"]):
                rows = await direct.run(session, _IN_LIST, {"codes": codes})
                assert sorted(r.code for r in rows) == codes
            count = (await session.execute(_COUNT)).scalar_one()
        assert count == 4
        return fast, slow, bumped, listed

    fast, slow, bumped, listed = _with_database(tmp_path, body)
    assert [tuple(r) for r in fast] == [tuple(r) for r in slow]
    (row,) = fast
    assert row.code == "A-1" and isinstance(row.id, uuid.UUID)  # the Python default ran
    assert row.price == Decimal("19.99") and str(row.price) == "19.99"
    assert row.data == {"a": [1, "two"]}
    assert row.seen_at == datetime(2026, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert row.seen_at.tzinfo == UTC
    (after,) = bumped
    assert after.count == 3 and after.updated_at is not None  # the onupdate default ran
    assert sorted(r.code for r in listed) == ["A-1", "A-3"]


def test_a_default_that_needs_the_execution_context_still_runs(tmp_path: Path) -> None:
    async def body(db: Database) -> str | None:
        async with db.transaction() as session:
            await direct.run(session, _INSERT_NOTED, {"id": 7})
            note: str | None = (await session.execute(select(_noted.c.note))).scalar_one()
            return note

    assert _with_database(tmp_path, body) == "for 7"


def test_statements_run_in_the_sessions_transaction(tmp_path: Path) -> None:
    async def body(db: Database) -> tuple[int, int]:
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await direct.run(session, _INSERT, _row("B-1"))
                raise RuntimeError("roll back")
        async with db.transaction() as session:
            rolled_back = (await session.execute(_COUNT)).scalar_one()
        async with db.transaction() as session:
            await direct.run(session, _INSERT, _row("B-2"))
            # The session's own statements see the direct write: one transaction.
            seen = (await session.execute(_COUNT)).scalar_one()
        return rolled_back, seen

    rolled_back, seen = _with_database(tmp_path, body)
    assert (rolled_back, seen) == (0, 1)


def test_database_errors_are_sqlalchemys_own(tmp_path: Path) -> None:
    async def body(db: Database) -> int:
        async with db.transaction() as session:
            await direct.run(session, _INSERT, _row("C-1"))
        with pytest.raises(IntegrityError):  # the statement that begins the transaction
            async with db.transaction() as session:
                await direct.run(session, _INSERT, _row("C-1"))
        with pytest.raises(IntegrityError) as raised:  # one after it (asyncpg's own)
            async with db.transaction() as session:
                await direct.run(session, _BY_CODE, {"code": "C-1"})
                await direct.run(session, _INSERT, _row("C-1"))
        if db.engine.dialect.name == "postgresql":  # what the error handlers read
            assert getattr(raised.value.orig, "sqlstate", None) == "23505"
        async with db.transaction() as session:
            return int((await session.execute(_COUNT)).scalar_one())

    assert _with_database(tmp_path, body) == 1


def test_on_postgresql_the_statements_go_straight_to_asyncpg(tmp_path: Path) -> None:
    """SQLAlchemy sees the statement that begins the transaction; on asyncpg, the rest
    of it go straight to the driver, on SQLite through the session."""

    async def body(db: Database) -> tuple[str, list[str]]:
        seen: list[str] = []

        def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append(statement.split()[0])

        async with db.transaction() as session:
            assert session.bind is not None
            engine = session.bind.sync_engine  # on SQLite, the writers' own engine
            event.listen(engine, "before_cursor_execute", note)
            try:
                await direct.run(session, _INSERT, _row("G-1"))
                await direct.run(session, _BY_CODE, {"code": "G-1"})
                await direct.run(session, _IN_LIST, {"codes": ["G-1", "G-2"]})
                await direct.run(session, _BUMP, {"which": "G-1", "by": 1})
            finally:
                event.remove(engine, "before_cursor_execute", note)
        return db.engine.dialect.driver, [s for s in seen if s != "BEGIN"]

    driver_name, seen = _with_database(tmp_path, body)
    if driver_name == "asyncpg":
        assert seen == ["INSERT"]
        # Which statements this path takes, and which it leaves to the session.
        dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
        assert _INSERT.plan(dialect, frozenset(_row("x"))) is not None
        assert _BUMP.plan(dialect, frozenset({"which", "by"})) is not None
        assert _IN_LIST.plan(dialect, frozenset({"codes"})) is not None
        assert _INSERT_NOTED.plan(dialect, frozenset({"id"})) is None
    else:
        assert seen == ["INSERT", "SELECT", "SELECT", "UPDATE"]


def test_after_a_failed_flush_the_session_refuses_as_it_would_itself(tmp_path: Path) -> None:
    async def body(db: Database) -> int:
        async with db.transaction() as session:
            session.add(_Tag(id=1, name="taken"))
        with pytest.raises(InvalidRequestError):
            async with db.transaction() as session:
                await direct.run(session, _INSERT, _row("D-1"))  # holds the connection
                session.add(_Tag(id=2, name="taken"))
                with pytest.raises(IntegrityError):
                    await session.flush()
                # The database rolled back already: a write now would commit by itself.
                # The session refuses (PendingRollbackError, or closed inside `begin()`).
                await direct.run(session, _INSERT, _row("D-2"))
        async with db.transaction() as session:
            return int((await session.execute(_COUNT)).scalar_one())

    assert _with_database(tmp_path, body) == 0


async def _pool_of_three(db: Database) -> list[int]:
    """Three connections in the pool (checked out at once, then returned): their
    server process ids."""

    async def backend(hold: asyncio.Event) -> int:
        async with db.transaction() as session:
            await direct.run(session, _INSERT, _row(f"E-{uuid.uuid4().hex[:8]}"))
            pid = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            await hold.wait()
            return int(pid)

    hold = asyncio.Event()
    holders = [asyncio.create_task(backend(hold)) for _ in range(3)]
    await asyncio.sleep(0.2)
    hold.set()
    return list(await asyncio.gather(*holders))


async def _terminate(db: Database, pids: set[int]) -> None:
    """Ends those server processes, from a connection outside the pool."""
    outside = create_async_engine(db.engine.url, poolclass=NullPool)
    async with outside.connect() as other:
        for pid in pids:
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await outside.dispose()


def test_connections_the_server_dropped_are_not_handed_out_again(tmp_path: Path) -> None:
    """As SQLAlchemy does on a disconnect: the first request that finds its connection
    dropped fails (a 503), and the pool replaces every connection of that age."""

    async def body(db: Database) -> tuple[str, list[str]]:
        if db.engine.dialect.name != "postgresql":
            return "sqlite", []

        await _terminate(db, set(await _pool_of_three(db)))
        await asyncio.sleep(0.2)
        outcomes = []
        for code in ("F-1", "F-2", "F-3"):
            try:
                async with db.transaction() as session:
                    await direct.run(session, _INSERT, _row(code))
                outcomes.append("ok")
            except DBAPIError as error:
                outcomes.append(f"invalidated={error.connection_invalidated}")
        return "postgresql", outcomes

    backend, outcomes = _with_database(tmp_path, body)
    if backend == "sqlite":
        pytest.skip("SQLite has no server to drop a connection")
    assert outcomes == ["invalidated=True", "ok", "ok"]


def test_a_connection_dropped_inside_a_transaction_is_invalidated(tmp_path: Path) -> None:
    """The statements after a transaction's first one run on asyncpg: a connection the
    server drops there fails that request (a 503) and the pool replaces the others."""

    async def body(db: Database) -> tuple[str, list[str]]:
        if db.engine.dialect.name != "postgresql":
            return "sqlite", []

        pids = await _pool_of_three(db)
        outcomes = []
        with pytest.raises(DBAPIError):
            async with db.transaction() as session:
                await direct.run(session, _INSERT, _row("H-1"))  # the session begins
                mine = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                await _terminate(db, set(pids) - {mine})
                try:
                    # On asyncpg, the server drops the connection while this runs.
                    await direct.run(session, _TERMINATE_MYSELF, {})
                except DBAPIError as error:
                    # What the statement raises, not only what the rollback raises after.
                    outcomes.append(f"invalidated={error.connection_invalidated}")
                    raise
        for code in ("H-3", "H-4", "H-5"):
            async with db.transaction() as session:
                await direct.run(session, _INSERT, _row(code))
                await direct.run(session, _BY_CODE, {"code": code})
            outcomes.append("ok")
        return "postgresql", outcomes

    backend, outcomes = _with_database(tmp_path, body)
    if backend == "sqlite":
        pytest.skip("SQLite has no server to drop a connection")
    assert outcomes == ["invalidated=True", "ok", "ok", "ok"]
