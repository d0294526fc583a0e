"""Statements several repositories run alike, written once for any mapped class."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Protocol

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


class SingleUse(Protocol):
    """A mapped class whose rows are spent once: a `used_at` column, None until then."""

    used_at: ClassVar[InstrumentedAttribute[datetime | None]]


async def count_rows(session: AsyncSession, model: type[Any], *where: ColumnElement[bool]) -> int:
    """How many rows of `model` meet every condition."""
    count = await session.scalar(select(func.count()).select_from(model).where(*where))
    return int(count or 0)


async def spend(
    session: AsyncSession, model: type[SingleUse], when: datetime, *where: ColumnElement[bool]
) -> int:
    """Marks used at `when` the unused rows that meet every condition, in one statement:
    how many it marked (two callers racing for one row cannot both spend it)."""
    result = await session.execute(
        update(model).where(*where, model.used_at.is_(None)).values(used_at=when)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
