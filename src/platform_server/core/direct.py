"""The hottest statements, run straight on asyncpg inside the session's own transaction.

Every order runs the same few Core statements. Through an async session each costs
about 140 µs of CPU here; asyncpg alone needs about 50 µs for the same round trip
(`bench/statement_cost.py`). A `Direct` statement is still SQLAlchemy Core, written
once for every backend, and compiled once per process by SQLAlchemy's own PostgreSQL
compiler. On asyncpg it then runs on the connection the session holds, inside the
transaction the session began, with SQLAlchemy's own bind and result processing for
each parameter and column, decided once. Everywhere else (SQLite, or with
`PLATFORM_DATABASE_ECHO`, whose log would miss these statements), and for what this
path does not reproduce (expanding IN lists, a value or default that needs
SQLAlchemy's execution context), it runs through the session as before.

What differs from `session.execute`: rows are named tuples (attribute and index
access, no `_mapping`); cursor events and the statement log do not see these
statements; plans are per process, for the one PostgreSQL configuration it uses.
Errors are SQLAlchemy's own, and a connection the server dropped is invalidated.

It reaches private members of SQLAlchemy: the asyncpg adapter's, to begin the
transaction the way SQLAlchemy would on its first statement, and the pool's, to
invalidate it on a disconnect as SQLAlchemy would; `tests/server/test_direct.py`
fails if they change.
"""

from __future__ import annotations

import collections
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
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
        self, driver: Any, plan: _Plan, keys: frozenset[str], dialect: Dialect
    ) -> tuple[Callable[[Any], Any] | None, ...]:
        """Result processors need the column's wire type (a numeric may come back as
        float or Decimal), which only the server knows: asked once per process."""
        known = self._decoders.get(keys)
        if known is None:
            prepared = await driver.prepare(plan.sql)
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
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None  # expanding IN lists are rendered per call
    defaults: list[tuple[str, Callable[[], Any]]] = []
    prefetched = [(c, c.default) for c in compiled.insert_prefetch] + [
        (c, c.onupdate) for c in compiled.update_prefetch
    ]
    for column, default in prefetched:
        make = _maker(default)
        if make is None:
            return None
        defaults.append((column.key, make))
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
    return _Plan(compiled.string, names, fixed, binders, tuple(defaults), row, bool(returned))


def _args(plan: _Plan, params: Params) -> list[Any]:
    given = dict(params)
    for key, make in plan.defaults:
        if key not in given:
            given[key] = make()
    values = [given[name] if name in given else plan.fixed[name] for name in plan.names]
    return [b(v) if b is not None else v for b, v in zip(plan.binders, values, strict=True)]


@dataclass(frozen=True)
class _Held:
    transaction: Any
    connection: AsyncConnection
    driver: Any


async def _held(session: AsyncSession) -> _Held | None:
    """The connection the session holds, inside its transaction, and its asyncpg
    connection; None when the session is not on asyncpg. Kept for the rest of that
    transaction while it stays active (after a failed flush, the session's own
    `connection()` raises what `execute` would)."""
    transaction = session.sync_session.get_transaction()
    known: _Held | None = session.info.get(_HELD)
    if known is not None and known.transaction is transaction and transaction.is_active:
        return known
    connection = await session.connection()
    adapted: Any = connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
    begin = getattr(adapted, "_start_transaction", None)
    if begin is None or not hasattr(adapted, "_transaction"):
        return None
    if adapted._transaction is None and adapted.isolation_level != "autocommit":
        try:
            await begin()
        except Exception as error:
            raise await _failed(connection, adapted._connection, error, "BEGIN") from error
    held = _Held(session.sync_session.get_transaction(), connection, adapted._connection)
    session.info[_HELD] = held
    return held


async def _through_session(
    session: AsyncSession, statement: Executable, params: Params | Sequence[Params]
) -> Sequence[Any]:
    result = await session.execute(statement, params)
    return result.all() if _returned_keys(statement) else []


async def run(
    session: AsyncSession, direct: Direct, params: Params | Sequence[Params]
) -> Sequence[Any]:
    """Runs the statement in the session's transaction; its rows (an empty list when it
    returns none). A sequence of parameter sets runs it once for each (no rows)."""
    many = [params] if isinstance(params, Mapping) else list(params)
    bind = session.bind
    plan = None
    if many and bind is not None and bind.dialect.driver == "asyncpg" and not bind.sync_engine.echo:
        plan = direct.plan(bind.dialect, frozenset(many[0]))
    held = await _held(session) if plan is not None else None
    if plan is None or held is None or (len(many) > 1 and plan.returns_rows):
        return await _through_session(session, direct.statement, params)
    try:
        arguments = [_args(plan, p) for p in many]
    except Exception as error:  # a bind processor's refusal, a missing value
        raise sa_exc.StatementError(str(error), plan.sql, many[0], error) from error
    driver = held.driver
    try:
        if len(arguments) > 1:
            await driver.executemany(plan.sql, arguments)
            return []
        if not plan.returns_rows:
            await driver.execute(plan.sql, *arguments[0])
            return []
        records = await driver.fetch(plan.sql, *arguments[0])
        decoders = await direct.decoders(driver, plan, frozenset(many[0]), bind.dialect)  # type: ignore[union-attr]
    except Exception as error:
        raise await _failed(held.connection, driver, error, plan.sql) from error
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


async def _failed(
    connection: AsyncConnection, driver: Any, error: Exception, sql: str
) -> Exception:
    """The exception SQLAlchemy would have raised (IntegrityError, OperationalError…),
    so the error handlers treat both paths alike. A connection the server dropped is
    invalidated, so the pool opens a new one instead of handing it out again."""
    dbapi = connection.dialect.loaded_dbapi
    translated = error
    if not isinstance(error, dbapi.Error):
        translate = getattr(dbapi, "_asyncpg_error_translate", {})
        for kind in type(error).__mro__:
            if kind in translate:
                message = error.args[0] if error.args else str(error)
                translated = translate[kind](message, error)
                break
    lost = driver.is_closed()
    if lost:
        # As SQLAlchemy does on a disconnect: connections older than this one are
        # replaced at their next checkout (a restarted server dropped them all).
        pool_invalidate = getattr(connection.sync_engine.pool, "_invalidate", None)
        proxied = connection.sync_connection
        if pool_invalidate is not None and proxied is not None:
            pool_invalidate(proxied.connection, error, _checkin=False)
        await connection.invalidate(error)
    if not isinstance(translated, dbapi.Error):
        return translated
    wrapped: Exception = sa_exc.DBAPIError.instance(
        sql, None, translated, dbapi.Error, connection_invalidated=lost
    )
    return wrapped
