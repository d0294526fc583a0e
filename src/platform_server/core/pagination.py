"""Cursor pagination: `?limit=&cursor=` in, `{"data": [...], "next_cursor": ...}` out.

Keyset order on (created_at, id), newest first: a cursor names the last row seen,
so rows inserted meanwhile never shift or repeat a page.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from platform_server.core.errors import Unprocessable

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None


class PageParams:
    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = (
            DEFAULT_LIMIT
        ),
        cursor: Annotated[
            str | None, Query(max_length=512, description="`next_cursor` of the previous page")
        ] = None,
    ) -> None:
        self.limit = limit
        self.cursor = cursor


PageQuery = Annotated[PageParams, Depends()]


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, row_id = json.loads(raw)
        return datetime.fromisoformat(stamp), uuid.UUID(row_id)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise Unprocessable(
            "The cursor is not one this server issued.",
            errors=[{"loc": ["query", "cursor"], "msg": "malformed cursor"}],
        ) from exc


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    created_at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[uuid.UUID],
    page: PageParams,
    to_schema: Callable[[Any], T],
) -> Page[T]:
    if page.cursor:
        stamp, last_id = decode_cursor(page.cursor)
        stmt = stmt.where(or_(created_at < stamp, and_(created_at == stamp, row_id < last_id)))
    stmt = stmt.order_by(created_at.desc(), row_id.desc()).limit(page.limit + 1)
    rows: Sequence[Any] = (await session.scalars(stmt)).all()
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, created_at.key), getattr(last, row_id.key))
    return Page[T](data=[to_schema(r) for r in rows], next_cursor=next_cursor)
