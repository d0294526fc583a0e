"""Marks a transaction as changing what a cache holds, for the caches' commit hooks.

A repository that writes rows a cached read returns calls `mark_stale(session,
CATALOG)`; once that transaction commits, `Database.transaction` runs the commit
hooks (`SharedCache.after_commit`), which invalidate the namespace for every process
before a request's response is sent. A rolled-back transaction invalidates nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

# Product list pages, product detail and categories (products and their stock).
CATALOG = "catalog"
# Verified callers (`auth/caller_cache.py`): users, sessions and API keys.
CALLERS = "callers"
_KEY = "platform.stale_caches"
# An UPDATE that changes nothing a cache holds (noting a session's last use).
NEUTRAL_OPTION = "platform_cache_neutral"
# Table name -> the namespace a change to its existing rows makes stale.
_WATCHED: dict[str, str] = {}


async def note_last_use(
    session: AsyncSession, model: type[Any], row_id: uuid.UUID, when: datetime
) -> None:
    """Sets the row's `last_used_at` (a session's, an API key's): an UPDATE that leaves
    cached callers as they are, though their tables are watched."""
    await session.execute(
        update(model)
        .execution_options(**{NEUTRAL_OPTION: True})
        .where(model.id == row_id)
        .values(last_used_at=when)
    )


def mark_stale(session: AsyncSession | Session, namespace: str) -> None:
    session.info.setdefault(_KEY, set()).add(namespace)


def watch_tables(namespace: str, tables: frozenset[str]) -> None:
    """Any change to an existing row of `tables` (an ORM update or delete, or an UPDATE or
    DELETE statement run through a session) marks `namespace` stale, wherever in the code
    it happens: a revocation written by a new code path cannot be forgotten. New rows
    are not changes (a new session revokes nothing)."""
    for table in tables:
        _WATCHED[table] = namespace


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    if not _WATCHED:
        return
    # After a flush the dirty and deleted sets still show what was flushed.
    for obj in (*session.dirty, *session.deleted):
        namespace = _WATCHED.get(getattr(obj, "__tablename__", ""))
        if namespace is not None:
            mark_stale(session, namespace)


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if not _WATCHED or not (state.is_update or state.is_delete):
        return
    if state.execution_options.get(NEUTRAL_OPTION):
        return
    namespace = _WATCHED.get(getattr(getattr(state.statement, "table", None), "name", ""))
    if namespace is not None:
        mark_stale(state.session, namespace)


def take_stale(session: AsyncSession, namespace: str) -> bool:
    """Whether this transaction marked `namespace`, forgetting the mark."""
    marks: set[str] | None = session.info.get(_KEY)
    if not marks or namespace not in marks:
        return False
    marks.discard(namespace)
    return True
