"""Cursor pagination: `?limit=&cursor=` in, `{"data": [...], "next_cursor": ...}` out.

Keyset order on (sort column, id): a cursor names the last row seen, so rows
inserted meanwhile never shift or repeat a page. Newest first unless a sort is given.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, Protocol, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, literal, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import TypeDecorator

from platform_server.core.errors import INVALID_CURSOR, Unprocessable

if TYPE_CHECKING:
    from platform_server.core.database import Database

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class PageParams:
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


# A coroutine, not the class itself: FastAPI runs plain callables in a worker thread.
async def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = (
        DEFAULT_LIMIT
    ),
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the previous page")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageQuery = Annotated[PageParams, Depends(_page_params)]


@dataclass(frozen=True)
class SortKey:
    column: InstrumentedAttribute[Any]
    descending: bool = True


def bad_cursor() -> Unprocessable:
    """A 422 of its own type: a cursor is opaque, only this server's are taken."""
    return Unprocessable(
        "The cursor is not one this server issued.",
        errors=[{"loc": ["query", "cursor"], "msg": "malformed cursor"}],
        type=INVALID_CURSOR,
    )


def _encode_value(value: Any) -> list[Any]:
    if isinstance(value, datetime):
        return ["t", value.isoformat()]
    if isinstance(value, Decimal):
        return ["d", str(value)]
    return ["s", value]


MAX_OFFSET = 1_000_000


def _decode_value(tagged: list[Any], column: InstrumentedAttribute[Any]) -> Any:
    """The cursor's value, checked against the sort column's type: a forged or
    foreign cursor is a 422, never a database error."""
    tag, raw = tagged
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):  # our UTC and money wrappers say `object`
        sql_type = sql_type.impl
    expected = sql_type.python_type
    if tag == "t" and expected is datetime and isinstance(raw, str):
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            raise ValueError("cursor time without a zone")
        return value
    if tag == "d" and expected is Decimal and isinstance(raw, str):
        number = Decimal(raw)
        if not number.is_finite():
            raise ValueError("cursor number not finite")
        return number
    if tag == "s" and expected is str and isinstance(raw, str) and "\x00" not in raw:
        return raw
    raise ValueError("cursor value does not fit the sort")


def encode_cursor(payload: list[Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (ValueError, binascii.Error) as exc:
        raise bad_cursor() from exc
    if not isinstance(payload, list) or not payload:
        raise bad_cursor()
    return payload


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    row_id: InstrumentedAttribute[uuid.UUID],
    page: PageParams,
    to_schema: Callable[[Any], T],
    sort: SortKey | None = None,
    created_at: InstrumentedAttribute[datetime] | None = None,
    rows: bool = False,
) -> Page[T]:
    """Keyset pagination on `sort` (default: `created_at`, newest first) then id.

    `rows=True` for column selects: `to_schema` then gets plain rows, which is
    much cheaper than ORM objects on hot list paths."""
    if sort is None:
        assert created_at is not None, "give a sort key or created_at"
        sort = SortKey(created_at, descending=True)
    column, desc = sort.column, sort.descending
    if page.cursor:
        try:
            kind, tagged, last = decode_cursor(page.cursor)
            if kind != "k":
                raise ValueError("not a keyset cursor")
            value, last_id = _decode_value(tagged, column), uuid.UUID(str(last))
        except (ValueError, TypeError, InvalidOperation) as exc:
            raise bad_cursor() from exc
        # One row-value comparison, not `column < v OR (column = v AND id < last)`:
        # PostgreSQL makes it the start of an index range on (column, id), so a page
        # 1,000 pages deep reads 21 index entries instead of the 20,000 before it.
        key = tuple_(column, row_id)
        last_key = tuple_(literal(value, column.type), literal(last_id, row_id.type))
        stmt = stmt.where(key < last_key if desc else key > last_key)
    order = [column.desc(), row_id.desc()] if desc else [column.asc(), row_id.asc()]
    stmt = stmt.order_by(*order).limit(page.limit + 1)
    found: Sequence[Any] = (
        (await session.execute(stmt)).all() if rows else (await session.scalars(stmt)).all()
    )
    next_cursor = None
    if len(found) > page.limit:
        found = found[: page.limit]
        last_row = found[-1]
        next_cursor = encode_cursor(
            ["k", _encode_value(getattr(last_row, column.key)), str(getattr(last_row, row_id.key))]
        )
    return Page[T](data=[to_schema(r) for r in found], next_cursor=next_cursor)


class Timestamped(Protocol):
    """A mapped class with the usual keys: its `created_at` and `id` columns."""

    created_at: ClassVar[InstrumentedAttribute[datetime]]
    id: ClassVar[InstrumentedAttribute[uuid.UUID]]


async def by_creation(
    session: AsyncSession,
    stmt: Select[Any],
    model: type[Timestamped],
    page: PageParams,
    to_schema: Callable[[Any], T],
    *,
    newest_first: bool,
) -> Page[T]:
    """`paginate` on `model`'s `created_at`, then its id. Newest first is the usual
    order; oldest first an export's: rows added while an export walks the table land
    after its cursor, so none is skipped or repeated."""
    sort = SortKey(model.created_at, descending=newest_first)
    return await paginate(session, stmt, sort=sort, row_id=model.id, page=page, to_schema=to_schema)


# The two orders by name: `newest_first(session, stmt, Order, page, OrderOut.model_validate)`.
newest_first = partial(by_creation, newest_first=True)
oldest_first = partial(by_creation, newest_first=False)


async def paginate_by_offset(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    page: PageParams,
    to_schema: Callable[[Any], T],
    rows: bool = False,
) -> Page[T]:
    """For orders that are no stable key (search relevance): the cursor is a position."""
    offset = 0
    if page.cursor:
        try:
            kind, offset = decode_cursor(page.cursor)
            if kind != "o" or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
                raise ValueError("not an offset cursor")
        except (ValueError, TypeError) as exc:
            raise bad_cursor() from exc
    stmt = stmt.offset(offset).limit(page.limit + 1)
    found: Sequence[Any] = (
        (await session.execute(stmt)).all() if rows else (await session.scalars(stmt)).all()
    )
    next_cursor = None
    if len(found) > page.limit:
        found = found[: page.limit]
        next_cursor = encode_cursor(["o", offset + page.limit])
    return Page[T](data=[to_schema(r) for r in found], next_cursor=next_cursor)


# Exports read a table in chunks of this many rows, oldest first: memory holds one chunk.
EXPORT_CHUNK = 1000


async def chunks(
    db: Database,
    read: Callable[[AsyncSession, PageParams], Awaitable[Page[T]]],
    *,
    size: int = EXPORT_CHUNK,
) -> AsyncIterator[T]:
    """Every item of `read`'s pages, `size` at a time, each page read in a short
    transaction of its own: memory and locks stay those of one chunk, whatever the
    table's size, and a chunk sees the rows committed before it began."""
    cursor: str | None = None
    while True:
        async with db.lookups() as session:
            page = await read(session, PageParams(limit=size, cursor=cursor))
        for item in page.data:
            yield item
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
