"""Async SQLAlchemy engine, the declarative base, and one transaction per request."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import ColumnElement, DateTime, MetaData, Numeric, SQLColumnExpression, Table, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator

from platform_server.core.container import services_of
from platform_server.core.ids import new_id
from platform_server.core.settings import Settings

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A time without a zone is read as UTC, like every time in this API."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def equal_to(*pairs: tuple[SQLColumnExpression[Any], object]) -> list[ColumnElement[bool]]:
    """The conditions of a list's filters: `column == value` for each value given (not
    None or empty); `select(...).where(*equal_to(...))`."""
    return [column == value for column, value in pairs if value]


def id_prefix(
    column: SQLColumnExpression[uuid.UUID], prefix: str | None
) -> list[ColumnElement[bool]]:
    """Ids that start with `prefix` (hex digits, dashes ignored), as a range of the
    column, so the primary key's index answers it on every backend."""
    if not prefix:
        return []
    digits = prefix.replace("-", "").lower()
    low = uuid.UUID(digits.ljust(32, "0"))
    high = uuid.UUID(digits.ljust(32, "f"))
    return [column >= low, column <= high]


def in_period(
    column: SQLColumnExpression[datetime], after: datetime | None, before: datetime | None
) -> list[ColumnElement[bool]]:
    """`after <= column < before`, each bound only when given (naive times read as UTC)."""
    bounds = []
    if after:
        bounds.append(column >= as_utc(after))
    if before:
        bounds.append(column < as_utc(before))
    return bounds


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use UTC-aware values")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """Stored with four places (room for any currency); read back without
    padding beyond cents, so "19.99" stays "19.99" on every backend."""

    impl = Numeric(14, 4)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        amount = Decimal(value)
        cents = amount.quantize(Decimal("0.01"))
        return cents if cents == amount else amount.normalize()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements on the hottest paths (no ORM layers)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


@event.listens_for(IdMixin, "init", propagate=True)
def _assign_id(target: IdMixin, _args: Any, kwargs: dict[str, Any]) -> None:
    # Set at construction, not at flush, so related rows can name the id right away.
    kwargs.setdefault("id", new_id())


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def make_engine(settings: Settings, *, pool_size: int | None = None) -> AsyncEngine:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Every aiosqlite connection is a thread of its own: a few, always reused,
        # beat many that contend for the GIL.
        engine = create_async_engine(
            url,
            echo=settings.database_echo,
            connect_args={"timeout": 30},
            pool_size=pool_size or settings.sqlite_pool_size,
            max_overflow=0,
            pool_timeout=60,
        )
        _tune_sqlite(engine)
        return engine
    return create_async_engine(
        url,
        echo=settings.database_echo,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_pre_ping=settings.database_pool_pre_ping,
        pool_recycle=settings.database_pool_recycle_seconds,
        # A request that cannot get a connection soon is answered 503 with Retry-After
        # (core/errors.py), instead of queueing behind a pool that is not coming back.
        pool_timeout=settings.database_pool_timeout_seconds,
        connect_args=_postgres_limits(settings) if "+asyncpg" in url else {},
    )


def _postgres_limits(settings: Settings) -> dict[str, Any]:
    """Per-connection limits set when each connection opens (no extra round trip): a
    statement or row-lock wait stuck behind a dead or slow neighbour is cancelled and
    the request answered 503, so it neither hangs nor holds its own pooled connection."""
    limits = {
        "statement_timeout": settings.database_statement_timeout_seconds,
        "lock_timeout": settings.database_lock_timeout_seconds,
        "idle_in_transaction_session_timeout": (
            settings.database_idle_in_transaction_timeout_seconds
        ),
    }
    # Only those set: 0 sends nothing (PgBouncer refuses startup parameters it does
    # not know unless told to ignore them).
    return {
        "server_settings": {
            name: str(round(seconds * 1000)) for name, seconds in limits.items() if seconds
        }
    }


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # WAL lets readers run beside the single writer; the pysqlite driver's own
        # transaction handling is switched off so BEGIN IMMEDIATE below takes the
        # write lock at the start, which serialises writers instead of failing them.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # SQLite's default page cache is 2 MB: a catalog of 100,000 products outgrows
        # it, and inserts then reread index pages from the OS.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the lock up front: a deferred transaction that reads and
        # then writes can fail with SQLITE_BUSY when another writer got there first.
        options = conn.get_execution_options()
        if options.get(NO_TRANSACTION_OPTION):
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_OPTION) else "BEGIN")


WRITE_OPTION = "platform_write"
NO_TRANSACTION_OPTION = "platform_no_transaction"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Runs after a write transaction commits, given its session (`session.info` says what
# it changed); a request's hooks finish before its response is sent. Must not raise.
CommitHook = Callable[[AsyncSession], Awaitable[None]]


class Database:
    def __init__(self, settings: Settings) -> None:
        self.engine = make_engine(settings)
        self._write_engine: AsyncEngine | None = None
        writer = self.engine
        if settings.is_sqlite:
            # SQLite has one writer: one writing connection per process queues writers
            # in memory, instead of in SQLite's sleeping busy handler.
            self._write_engine = writer = make_engine(settings, pool_size=1)
        self._readers = async_sessionmaker(self.engine, expire_on_commit=False)
        # The option marks connections whose BEGIN must take the write lock.
        self._writers = async_sessionmaker(
            writer.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        # Each statement commits by itself: no BEGIN and COMMIT round trips.
        untransacted = (
            {NO_TRANSACTION_OPTION: True}
            if settings.is_sqlite
            else {"isolation_level": "AUTOCOMMIT"}
        )
        self._lookups = async_sessionmaker(
            self.engine.execution_options(**untransacted), expire_on_commit=False
        )
        # On SQLite a request's write transaction holds the one writer: lookups made in
        # it would lengthen that hold, so they always take a connection of their own.
        self._lookups_may_join = not settings.is_sqlite
        self._commit_hooks: list[CommitHook] = []

    def on_commit(self, hook: CommitHook) -> None:
        """Run `hook` after every write transaction of this database commits (a shared
        cache invalidates what the transaction marked stale)."""
        self._commit_hooks.append(hook)

    def session(self, *, write: bool) -> AsyncSession:
        return (self._writers if write else self._readers)()

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """One transaction; it touches the database only on first use."""
        async with self.session(write=write) as session:
            async with session.begin():
                yield session
            if write:
                for hook in self._commit_hooks:
                    await hook(session)

    @asynccontextmanager
    async def lookups(self, request: Request | None = None) -> AsyncIterator[AsyncSession]:
        """A session for a few reads that need no common snapshot (resolving the caller
        on every request). Given the request: on PostgreSQL, the transaction it has
        already opened, which saves a pool checkout; else one outside any transaction,
        where each read is one round trip."""
        joined = getattr(request.state, "db_session", None) if request is not None else None
        if joined is not None and self._lookups_may_join:
            yield joined
            return
        async with self._lookups() as session:
            yield session

    @property
    def engines(self) -> list[AsyncEngine]:
        """Every engine (on SQLite a second one holds the single writing connection)."""
        return [self.engine] if self._write_engine is None else [self.engine, self._write_engine]

    def pools(self) -> list[tuple[str, Pool]]:
        """The connection pools by role (`read`, and `write` where writers have their own)."""
        pools = [("read", self.engine.pool)]
        if self._write_engine is not None:
            pools.append(("write", self._write_engine.pool))
        return pools

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._write_engine is not None:
            await self._write_engine.dispose()


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the handler returns, else rolled back."""
    services = services_of(request)
    write = request.method not in SAFE_METHODS
    try:
        async with services.db.transaction(write=write) as session:
            request.state.db_session = session
            try:
                yield session
            finally:
                request.state.db_session = None
        if write:
            # Shared caches were invalidated by the commit hooks; these wake what waits.
            for forget in services.after_write:
                forget()
    except BaseException:
        # After the rollback, so the release never waits on this request's own lock.
        idem = getattr(request.state, "idempotency", None)
        if idem is not None:
            await idem.release()
        raise


# scope="function" commits before the response is sent, so a failed commit is
# reported to the client instead of being lost after a 2xx went out.
DbSession = Annotated[AsyncSession, Depends(_request_session, scope="function")]


async def _database(request: Request) -> Database:
    return services_of(request).db


# For what runs outside the request's transaction (a stream, a health probe).
DatabaseDep = Annotated[Database, Depends(_database)]
