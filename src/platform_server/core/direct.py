"""The hottest statements, run straight on asyncpg inside the session's own transaction.

Every order runs the same few Core statements. Through an async session each costs
about 140 µs of CPU here; asyncpg alone needs about 50 µs for the same round trip
(`bench/statement_cost.py`). A `Direct` statement is still SQLAlchemy Core, written
once for every backend, and compiled once per process by SQLAlchemy's own PostgreSQL
compiler. On asyncpg it then runs on the connection the session holds, inside the
transaction the session began, with SQLAlchemy's own bind and result processing for
each parameter and column, decided once. Everywhere else (SQLite), and for anything
this path does not reproduce (expanding IN lists, SQL-side defaults computed in
Python that are not plain callables), it runs through the session as before.

It reaches two private members of SQLAlchemy's asyncpg adapter, to begin the
transaction the way SQLAlchemy would have on its first statement;
`tests/server/test_direct.py` fails if they change.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

Params = Mapping[str, Any]
_DRIVER = "platform_direct_driver"


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
    if default is not None and default.is_callable:
        wrapped = default.arg  # SQLAlchemy wraps a plain callable to take a context
        return lambda: wrapped(None)
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


async def _driver(session: AsyncSession) -> Any | None:
    """The asyncpg connection the session holds, inside its transaction; None when the
    session is not on asyncpg. Kept for the rest of that transaction."""
    transaction = session.sync_session.get_transaction()
    known = session.info.get(_DRIVER)
    if transaction is not None and known is not None and known[0] is transaction:
        return known[1]
    connection = await session.connection()
    adapted: Any = connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
    begin = getattr(adapted, "_start_transaction", None)
    if begin is None or not hasattr(adapted, "_transaction"):
        return None
    if adapted._transaction is None and adapted.isolation_level != "autocommit":
        await begin()
    session.info[_DRIVER] = (session.sync_session.get_transaction(), adapted._connection)
    return adapted._connection


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
    first = many[0]
    dialect = session.bind.dialect if session.bind is not None else None
    plan = None
    if dialect is not None and dialect.driver == "asyncpg":
        plan = direct.plan(dialect, frozenset(first))
    driver = await _driver(session) if plan is not None else None
    if plan is None or driver is None or (len(many) > 1 and plan.returns_rows):
        return await _through_session(session, direct.statement, params)
    try:
        if len(many) > 1:
            await driver.executemany(plan.sql, [_args(plan, p) for p in many])
            return []
        if not plan.returns_rows:
            await driver.execute(plan.sql, *_args(plan, first))
            return []
        records = await driver.fetch(plan.sql, *_args(plan, first))
    except Exception as error:
        raise _translated(error, plan.sql, dialect) from error
    if not records:
        return []
    decoders = await direct.decoders(driver, plan, frozenset(first), dialect)  # type: ignore[arg-type]
    make: Any = plan.row
    if not any(decoders):
        return [make(*r) for r in records]
    return [
        make(*(d(v) if d is not None else v for d, v in zip(decoders, r, strict=True)))
        for r in records
    ]


def _translated(error: Exception, sql: str, dialect: Any) -> Exception:
    """The exception SQLAlchemy would have raised (IntegrityError, OperationalError…),
    so the error handlers treat both paths alike."""
    dbapi = dialect.loaded_dbapi
    translate = getattr(dbapi, "_asyncpg_error_translate", {})
    for kind in type(error).__mro__:
        if kind in translate:
            translated = translate[kind](error.args[0] if error.args else str(error), error)
            wrapped: Exception = sa_exc.DBAPIError.instance(sql, None, translated, dbapi.Error)
            return wrapped
    return error
