"""Full-text search over name, description and SKU, in the database itself:
SQLite FTS5 (bm25 rank) or PostgreSQL text search (ts_rank)."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import (
    ColumnClause,
    Select,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.products.models import Product

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12

_fts = table("products_fts", column("rowid"), column("rank"))
_fts_columns = table(
    "products_fts", column("rowid"), column("name"), column("description"), column("sku")
)
_deferred = table("products_fts_deferred", column("held"))
_vector: ColumnClause[Any] = literal_column("products.search_vector")


def terms(query: str) -> list[str]:
    """Words of the query, lower-cased; operators and quotes never reach the engine."""
    return [t.lower() for t in _TOKEN.findall(query)][:MAX_TERMS]


def apply(stmt: Select[Any], query: str, dialect: str, *, rank: bool) -> Select[Any]:
    words = terms(query)
    if not words:
        return stmt.where(text("1 = 0"))
    if dialect == "sqlite":
        match = " ".join(f'"{w}"*' for w in words)  # every word, as a prefix
        stmt = stmt.join(_fts, _fts.c.rowid == literal_column("products.rowid")).where(
            text("products_fts MATCH :fts_query").bindparams(fts_query=match)
        )
        return stmt.order_by(_fts.c.rank, Product.id) if rank else stmt
    tsquery = func.to_tsquery("simple", " & ".join(f"{w}:*" for w in words))
    stmt = stmt.where(_vector.op("@@")(tsquery))
    return stmt.order_by(func.ts_rank(_vector, tsquery).desc(), Product.id) if rank else stmt


@asynccontextmanager
async def indexed_in_bulk(session: AsyncSession, ids: Sequence[uuid.UUID]) -> AsyncIterator[None]:
    """Around a bulk insert of these products (SQLite): their search text is indexed in
    one statement afterwards instead of by the per-row trigger, which costs ~6x more
    (see migration 0005). Everything happens in the caller's transaction."""
    if session.get_bind().dialect.name != "sqlite" or not ids:
        yield
        return
    await session.execute(insert(_deferred).values(held=1))
    yield
    await session.execute(
        insert(_fts_columns).from_select(
            ["rowid", "name", "description", "sku"],
            select(
                literal_column("products.rowid"), Product.name, Product.description, Product.sku
            ).where(Product.id.in_(list(ids))),
        )
    )
    await session.execute(delete(_deferred))
