"""Full-text search over name, description and SKU, in the database itself:
SQLite FTS5 (bm25 rank) or PostgreSQL text search (ts_rank)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnClause, Select, column, func, literal_column, table, text

from platform_server.catalog.models import Product

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12

_fts = table("products_fts", column("rowid"), column("rank"))
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
