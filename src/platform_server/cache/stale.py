"""Marks a transaction as changing what a cache holds, for the caches' commit hooks.

A repository that writes rows a cached read returns calls `mark_stale(session,
CATALOG)`; once that transaction commits, `Database.transaction` runs the commit
hooks (`SharedCache.after_commit`), which invalidate the namespace for every process
before a request's response is sent. A rolled-back transaction invalidates nothing.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

# Product list pages, product detail and categories (products and their stock).
CATALOG = "catalog"
_KEY = "platform.stale_caches"


def mark_stale(session: AsyncSession, namespace: str) -> None:
    session.info.setdefault(_KEY, set()).add(namespace)


def take_stale(session: AsyncSession, namespace: str) -> bool:
    """Whether this transaction marked `namespace`, forgetting the mark."""
    marks: set[str] | None = session.info.get(_KEY)
    if not marks or namespace not in marks:
        return False
    marks.discard(namespace)
    return True
