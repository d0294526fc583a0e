"""The hottest statements, run straight on asyncpg inside the session's own transaction.

Every order runs the same few Core statements. Through an async session each costs
about 140 µs of CPU here; asyncpg alone needs about 50 µs for the same round trip
(`bench/statement_cost.py`). A `Direct` statement is still SQLAlchemy Core, written
once for every backend, and compiled once per process by SQLAlchemy's own PostgreSQL
compiler (an expanding IN list once per list length, by
`construct_expanded_state`). On
asyncpg it then runs on the connection the session holds, inside the transaction the
session began, with SQLAlchemy's own bind and result processing for each parameter
and column, decided once.

Only public API is used: the session's connection (`AsyncSession.connection`), its
pooled DBAPI connection (`Connection.connection`, what
`AsyncConnection.get_raw_connection` returns) and the asyncpg
connection under it (`driver_connection`). SQLAlchemy begins a transaction on a
connection's first statement; so while the asyncpg connection is not in a transaction
(`is_in_transaction()`, and the dialect's `detect_autocommit_setting` says it is not
in autocommit), the statement runs through SQLAlchemy (`exec_driver_sql` on the
session's connection, with the values already the driver's), which begins it; the
rest of that transaction runs on asyncpg. Everywhere else (SQLite, or with
`PLATFORM_DATABASE_ECHO`, whose log would miss these statements), and for what this
path does not reproduce (a default that needs SQLAlchemy's execution context, a
literal-rendered parameter, rows from several parameter sets), it runs through the
session as before.

What differs from `session.execute`: rows are named tuples (attribute and index
access, no `_mapping`); cursor events and the statement log see only a
transaction's first one; plans are per process, for the one PostgreSQL configuration it uses.
Errors are SQLAlchemy's own classes (asyncpg's errors translated as SQLAlchemy's
asyncpg dialect does), and on a connection the server dropped, SQLAlchemy itself
meets the closed connection and invalidates it and the pool's older ones.
"""

from __future__ import annotations

import collections
import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.sql import Executable

Params = Mapping[str, Any]
_HELD = "platform_direct_connection"


@dataclass(frozen=True)
class _Plan:
    sql: str
    names: tuple[str, ...]
    fixed: Mapping[str, Any]
    binders: tuple[Callable[[Any], Any] | None, ...]
    defaults: tuple[tuple[str, Callable[[], Any]], ...]
    row: Callable[..., Any] | None
    returns_rows: bool
    # A statement with an expanding IN list: SQLAlchemy renders it once per list length.
    expanding: Any | None = None
    lists: tuple[str, ...] = ()
    shapes: dict[tuple[int, ...], _Shape] = field(default_factory=dict)


@dataclass(frozen=True)
class _Shape:
    """An expanding statement rendered for one length of each list: per position, the
    parameter and the index in its list (None: not a list)."""

    sql: str
    sources: tuple[tuple[str, int | None], ...]
    binders: tuple[Callable[[Any], Any] | None, ...]


class Direct:
    """A Core statement that the order path runs on every request."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        # Keyed by the parameter names given (an insert compiles to the columns given).
        self._plans: dict[frozenset[str], _Plan | None] = {}
        self._decoders: dict[frozenset[str], tuple[Callable[[Any], Any] | None, ...]] = {}

    def plan(self, dialect: Dialect, keys: frozenset[str]) -> _Plan | None:
        try:
            return self._plans[keys]
        except KeyError:
            plan = self._plans[keys] = _compile(self.statement, dialect, keys)
            return plan

    async def decoders(
        self, driver: Any, sql: str, keys: frozenset[str], dialect: Dialect
    ) -> tuple[Callable[[Any], Any] | None, ...]:
        """Result processors need the column's wire type (a numeric may come back as
        float or Decimal), which only the server knows: asked once per process."""
        known = self._decoders.get(keys)
        if known is None:
            prepared = await driver.prepare(sql)
            columns = getattr(self.statement, "exported_columns", ())
            known = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, attr.type.oid)
                for column, attr in zip(columns, prepared.get_attributes(), strict=True)
            )
            self._decoders[keys] = known
        return known


def _returned_keys(statement: Executable) -> list[str]:
    """A select's columns, or what an insert or update returns (none: no rows)."""
    return [c.key for c in getattr(statement, "exported_columns", ())]


def _maker(default: Any) -> Callable[[], Any] | None:
    """A column default as a call of no arguments; None for one that wants SQLAlchemy's
    execution context (the session path gives it one)."""
    if default is not None and default.is_callable:
        function = default.arg
        # SQLAlchemy wraps a default of no arguments (functools keeps its signature).
        wants = [
            p
            for p in inspect.signature(function).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        return (lambda: function(None)) if not wants else None
    if default is not None and default.is_scalar:
        value = default.arg
        return lambda: value
    return None


def _compile(statement: Executable, dialect: Dialect, keys: frozenset[str]) -> _Plan | None:
    compiled: Any = statement.compile(dialect=dialect, column_keys=sorted(keys))  # type: ignore[attr-defined]
    if compiled.literal_execute_params:
        return None  # values rendered into the SQL text per call
    defaults: list[tuple[str, Callable[[], Any]]] = []
    prefetched = [(c, c.default) for c in compiled.insert_prefetch] + [
        (c, c.onupdate) for c in compiled.update_prefetch
    ]
    for column, default in prefetched:
        make = _maker(default)
        if make is None:
            return None
        defaults.append((column.key, make))
    expanding = compiled if compiled.post_compile_params else None
    if expanding is not None and defaults:
        return None
    names = tuple(compiled.positiontup or ())
    binds = compiled.binds
    if any(binds[name].callable is not None for name in names):
        return None  # a value computed per execution
    fixed = {
        name: binds[name].effective_value
        for name in names
        if name not in keys and not binds[name].required
    }
    binders = tuple(
        binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    returned = _returned_keys(statement)
    row = collections.namedtuple("Row", returned, rename=True) if returned else None
    lists = tuple(b.key for b in compiled.post_compile_params)
    return _Plan(
        compiled.string,
        names,
        fixed,
        binders,
        tuple(defaults),
        row,
        bool(returned),
        expanding,
        lists,
    )


def _shape(plan: _Plan, given: Mapping[str, Any]) -> _Shape | None:
    """The statement rendered for the lengths of these lists (None: a list of tuples)."""
    lengths = tuple(len(given[name]) for name in plan.lists)
    known = plan.shapes.get(lengths)
    if known is not None:
        return known
    state = plan.expanding.construct_expanded_state(given)  # type: ignore[union-attr]
    where: dict[str, tuple[str, int | None]] = {}
    for name in plan.lists:
        expanded = state.parameter_expansion.get(name, [])
        if len(expanded) != len(given[name]):
            return None
        where.update((key, (name, index)) for index, key in enumerate(expanded))
    processors = {**dict(zip(plan.names, plan.binders, strict=True)), **state.processors}
    positions = tuple(state.positiontup)
    shape = _Shape(
        state.statement,
        tuple(where.get(name, (name, None)) for name in positions),
        tuple(processors.get(name) for name in positions),
    )
    plan.shapes[lengths] = shape
    return shape


def _call(plan: _Plan, params: Params) -> tuple[str, list[Any]]:
    """The SQL and positional arguments for one parameter set."""
    given = dict(params)
    for key, make in plan.defaults:
        if key not in given:
            given[key] = make()
    shape = _shape(plan, given) if plan.expanding is not None else None
    if shape is not None:
        values = [
            given[name][index]
            if index is not None
            else (given[name] if name in given else plan.fixed[name])
            for name, index in shape.sources
        ]
        return shape.sql, [
            b(v) if b is not None else v for b, v in zip(shape.binders, values, strict=True)
        ]
    if plan.expanding is not None:
        state = plan.expanding.construct_expanded_state(given)
        processors = {**dict(zip(plan.names, plan.binders, strict=True)), **state.processors}
        values = [(state.parameters[name], processors.get(name)) for name in state.positiontup]
        return state.statement, [b(v) if b is not None else v for v, b in values]
    values = [given[name] if name in given else plan.fixed[name] for name in plan.names]
    arguments = [b(v) if b is not None else v for b, v in zip(plan.binders, values, strict=True)]
    return plan.sql, arguments


@dataclass(frozen=True)
class _Held:
    transaction: SessionTransaction | None
    connection: AsyncConnection
    driver: Any  # asyncpg.Connection
    autocommit: bool


async def _held(session: AsyncSession) -> _Held:
    """The connection the session holds and the asyncpg connection under it, kept for
    the rest of the session's transaction while that stays active (after a failed
    flush, the session's own `connection()` raises what `execute` would)."""
    transaction = session.sync_session.get_transaction()
    known: _Held | None = session.info.get(_HELD)
    active = transaction is not None and transaction.is_active
    if known is not None and active and known.transaction is transaction:
        return known
    connection = await session.connection()
    # What `get_raw_connection()` returns, without its thread hop: the connection is
    # open (the session just handed it out).
    raw = connection.sync_connection.connection if connection.sync_connection else None
    if raw is None:
        raw = await connection.get_raw_connection()
    dbapi_connection = raw.dbapi_connection
    assert dbapi_connection is not None  # a connection the session holds is open
    held = _Held(
        session.sync_session.get_transaction(),
        connection,
        raw.driver_connection,
        connection.dialect.detect_autocommit_setting(dbapi_connection),
    )
    session.info[_HELD] = held
    return held


async def _through_session(
    session: AsyncSession, statement: Executable, many: list[Params]
) -> Sequence[Any]:
    result = await session.execute(statement, many[0] if len(many) == 1 else many)
    return result.all() if _returned_keys(statement) else []


async def run(
    session: AsyncSession, direct: Direct, params: Params | Sequence[Params]
) -> Sequence[Any]:
    """Runs the statement in the session's transaction; its rows (an empty list when it
    returns none). A sequence of parameter sets, of any length, runs it once for each
    (an empty one runs nothing)."""
    many = [params] if isinstance(params, Mapping) else list(params)
    if not many:
        return []
    bind = session.bind
    plan = None
    if bind is not None and bind.dialect.driver == "asyncpg" and not bind.sync_engine.echo:
        plan = direct.plan(bind.dialect, frozenset(many[0]))
    if plan is None or (len(many) > 1 and (plan.returns_rows or plan.expanding is not None)):
        return await _through_session(session, direct.statement, many)
    held = await _held(session)
    driver = held.driver
    try:
        calls = [_call(plan, p) for p in many]
    except Exception as error:  # a bind processor's refusal, a missing value
        raise sa_exc.StatementError(str(error), plan.sql, many[0], error) from error
    sql, arguments = calls[0]
    if not (held.autocommit or driver.is_in_transaction()):
        # The transaction's first statement: SQLAlchemy runs it, and begins the
        # transaction as it always does; the SQL and values are already the driver's.
        result = await held.connection.exec_driver_sql(
            sql, tuple(arguments) if len(calls) == 1 else [tuple(a) for _, a in calls]
        )
        if not plan.returns_rows:
            return []
        records = result.all()
    else:
        records = None
    try:
        if records is None:
            if len(calls) > 1:
                await driver.executemany(sql, [a for _, a in calls])
                return []
            if not plan.returns_rows:
                await driver.execute(sql, *arguments)
                return []
            records = await driver.fetch(sql, *arguments)
        decoders = await direct.decoders(driver, sql, frozenset(many[0]), held.connection.dialect)
    except Exception as error:
        raise await _failed(session, held, direct.statement, many, error, sql) from error
    make: Any = plan.row
    if not any(decoders):
        return [make(*r) for r in records]
    return [
        make(*(d(v) if d is not None else v for d, v in zip(decoders, r, strict=True)))
        for r in records
    ]


async def first(session: AsyncSession, direct: Direct, params: Params) -> Any | None:
    """The statement's first row, or None."""
    rows = await run(session, direct, params)
    return rows[0] if rows else None


@functools.cache
def _dbapi_names() -> Mapping[type, tuple[str, str]]:
    """asyncpg's error classes and the DBAPI error each becomes: the specific class of
    SQLAlchemy's asyncpg adapter where it has one, else the PEP 249 class."""
    from asyncpg import exceptions as pg

    violations = (
        pg.UniqueViolationError,
        pg.ForeignKeyViolationError,
        pg.NotNullViolationError,
        pg.CheckViolationError,
        pg.ExclusionViolationError,
        pg.RestrictViolationError,
    )
    return {
        **{kind: (kind.__name__, "IntegrityError") for kind in violations},
        pg.IntegrityConstraintViolationError: ("IntegrityError", "IntegrityError"),
        pg.SyntaxOrAccessError: ("ProgrammingError", "ProgrammingError"),
        pg.InternalServerError: ("InternalServerError", "InternalError"),
        pg.InternalClientError: ("InternalClientError", "InternalError"),
        pg.InterfaceError: ("InterfaceError", "InterfaceError"),
        pg.PostgresError: ("Error", "Error"),
    }


def _translate(dbapi: Any, error: Exception) -> Exception | None:
    """asyncpg's error as the DBAPI error SQLAlchemy's adapter would raise; None for
    one that is not a database error."""
    base: type[Exception] = dbapi.Error
    if isinstance(error, base):
        return error
    names = _dbapi_names()
    for kind in type(error).__mro__:
        if kind in names:
            specific, general = names[kind]
            cls = getattr(dbapi, specific, None) or getattr(dbapi, general)
            message = error.args[0] if error.args else str(error)
            translated: Exception = cls(message, error)
            return translated
    return None


async def _failed(
    session: AsyncSession,
    held: _Held,
    statement: Executable,
    many: list[Params],
    error: Exception,
    sql: str,
) -> Exception:
    """The exception SQLAlchemy would have raised (IntegrityError, OperationalError…),
    so the error handlers treat both paths alike."""
    if held.driver.is_closed():
        # The server dropped the connection, so nothing can run on it. Through the
        # session, SQLAlchemy meets the closed connection and does what it does on
        # any disconnect: invalidates it, has the pool replace connections older
        # than it (a restarted server dropped them all), and raises its DBAPIError,
        # marked as a lost connection (the error handlers answer 503).
        try:
            await _through_session(session, statement, many)
        except sa_exc.SQLAlchemyError as handled:
            return handled
    dbapi = held.connection.dialect.loaded_dbapi
    translated = _translate(dbapi, error)
    if translated is None:
        return error
    wrapped: Exception = sa_exc.DBAPIError.instance(
        sql, many[0] if len(many) == 1 else many, translated, dbapi.Error
    )
    return wrapped
