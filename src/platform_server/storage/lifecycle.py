"""Keeping a database row and its objects together: both there or neither.

A write puts its objects first and inserts its row after; if the transaction then
fails, the objects are deleted at once (`discard_on_error`) or, after a crash, by
the orphan sweep (`platform server sweep-files`). A delete removes the row and
names its objects with `delete_after_commit`: they go only once the transaction has
committed (the commit hook `app.py` installs), so a rolled-back delete loses nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.storage.base import Storage

logger = logging.getLogger("platform_server.storage")
_DOOMED = "platform.storage_doomed"


def delete_after_commit(session: AsyncSession, keys: Iterable[str]) -> None:
    session.info.setdefault(_DOOMED, []).extend(keys)


def commit_hook(storage: Storage) -> Callable[[AsyncSession], Awaitable[None]]:
    """For `Database.on_commit`: delete what the committed transaction named."""

    async def after_commit(session: AsyncSession) -> None:
        doomed: list[str] = session.info.pop(_DOOMED, [])
        for key in doomed:
            try:
                await storage.delete(key)
            except Exception:  # the row is gone; the sweep takes the object later
                logger.warning("could not delete %s after commit; the sweep will", key)

    return after_commit


@contextlib.asynccontextmanager
async def discard_on_error(storage: Storage) -> AsyncIterator[list[str]]:
    """A list to append the keys written to; on any error they are deleted again."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for key in written:
            try:
                await storage.delete(key)
            except Exception:
                logger.warning("could not delete %s after a failed write; the sweep will", key)
        raise
