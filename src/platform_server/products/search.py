"""Full-text search over name, description and SKU, in the database itself:
SQLite FTS5 (bm25 rank) or PostgreSQL text search (ts_rank).

Ranking by relevance scores only a bounded candidate set: the newest `candidates`
matches (by `created_at`, the order an index already holds), so a common word among a
million products costs as much as a rare one (at 1M, "chair" matched 41,216 products and
ranking every one took 533 ms in PostgreSQL). The trade-off: a strong match older than
the newest `candidates` matches is not found by a relevance search (docs/api.md)."""

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


def _pg_terms(words: list[str]) -> list[str]:
    """`to_tsquery` operands: every word whole, the last also as a prefix. PostgreSQL's
    parser reads a number after a hyphen as signed ("LAMP-1001" is `lamp`, `-1001`), so a
    word that starts with a digit also matches its signed form."""
    operands = []
    for position, word in enumerate(words):
        prefix = ":*" if position == len(words) - 1 else ""
        signed = f" | '-{word}'{prefix}" if word[0].isdigit() else ""
        operands.append(f"({word}{prefix}{signed})" if signed else f"{word}{prefix}")
    return operands


def apply(
    stmt: Select[Any], query: str, dialect: str, *, rank: bool, candidates: int = 1000
) -> Select[Any]:
    """`stmt` narrowed to the products matching `query`; with `rank`, to the newest
    `candidates` of them, best first.

    Every word must match a whole word, except the last, which also matches as a prefix
    (what someone typing sees: "red chai" finds the red chairs). A prefix costs the
    index a scan of every posting list under it: at 1M products "red:* & chair:*"
    executed in 15 ms where "red & chair:*" took 12 ms and "red & chair" 2 ms, so only
    the word still being typed pays it."""
    words = terms(query)
    if not words:
        return stmt.where(text("1 = 0"))
    if dialect == "sqlite":
        match = " ".join(f'"{w}"' for w in words) + "*"
        matching = text("products_fts MATCH :fts_query").bindparams(fts_query=match)
        on_fts = _fts.c.rowid == literal_column("products.rowid")
        if not rank:
            return stmt.join(_fts, on_fts).where(matching)
        # bm25: lower is better.
        best = _newest(stmt, matching, _fts.c.rank, candidates, join=(_fts, on_fts))
        return stmt.join(best, best.c.id == Product.id).order_by(best.c.score, best.c.id)
    tsquery = func.to_tsquery("simple", " & ".join(_pg_terms(words)))
    matching_pg = _vector.op("@@")(tsquery)
    if not rank:
        return stmt.where(matching_pg)
    best = _newest(stmt, matching_pg, func.ts_rank(_vector, tsquery), candidates)
    return stmt.join(best, best.c.id == Product.id).order_by(best.c.score.desc(), best.c.id)


def _newest(
    stmt: Select[Any],
    matching: Any,
    score: Any,
    candidates: int,
    join: tuple[Any, Any] | None = None,
) -> Any:
    """The newest `candidates` products passing `stmt`'s filters (its WHERE, on the
    products table alone) and `matching`, with their `score`: PostgreSQL walks
    `ix_products_created_at` backwards and stops after `candidates` matches, or, for a
    rare word, reads the few matches from the full-text index; either way it never
    scores or sorts every match. Scored here, so the outer statement joins only the
    page's rows (a join of the candidates' ids alone was planned at 100,000 products
    as a hash join over every product)."""
    # correlate(None): the products table of the subquery is its own, not the outer one.
    newest = select(Product.id.label("id"), score.label("score")).correlate(None)
    if join is not None:
        newest = newest.join(*join)
    if stmt.whereclause is not None:
        newest = newest.where(stmt.whereclause)
    newest = newest.where(matching)
    return (
        newest.order_by(Product.created_at.desc(), Product.id.desc())
        .limit(candidates)
        .subquery("candidates")
    )


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
