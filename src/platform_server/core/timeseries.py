"""Hourly series for dashboards, bucketed by the database on SQLite and PostgreSQL alike.

A domain counts its own rows per hour with :func:`hourly_counts` (or groups by
:func:`hour_of` itself, for sums); the caller decides the window with :class:`Hours`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class Hours:
    """`count` hourly buckets, oldest first; the last one is the current (partial) hour."""

    start: datetime  # the start of the oldest bucket: UTC, on the hour
    count: int = 24

    @classmethod
    def ending_at(cls, now: datetime, count: int = 24) -> Hours:
        top = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        return cls(start=top - timedelta(hours=count - 1), count=count)

    @property
    def end(self) -> datetime:
        """The end of the newest bucket (exclusive)."""
        return self.start + timedelta(hours=self.count)

    def index(self, hour: Any) -> int | None:
        """The bucket of an :func:`hour_of` value read back; None outside the window."""
        moment = _as_hour(hour)
        position = int((moment - self.start).total_seconds() // 3600)
        return position if 0 <= position < self.count else None

    def counts(self, rows: Iterable[tuple[Any, int]]) -> list[int]:
        """`(hour, n)` rows as a full series, zero where no row fell."""
        series = [0] * self.count
        for hour, n in rows:
            i = self.index(hour)
            if i is not None:
                series[i] += int(n or 0)
        return series


class Counts(NamedTuple):
    """A figure and its hourly series."""

    total: int
    hourly: list[int]


def hour_of(session: AsyncSession, column: Any) -> ColumnElement[Any]:
    """`column` (a UTC timestamp) truncated to its hour, per dialect.

    Literals are inlined, not bound, so the same expression in SELECT and GROUP BY is
    identical text (PostgreSQL refuses a GROUP BY whose parameters differ).
    """
    if session.get_bind().dialect.name == "postgresql":
        # In UTC whatever the session's TimeZone: offsets of half hours exist.
        return func.date_trunc(
            literal_column("'hour'"), func.timezone(literal_column("'UTC'"), column)
        )
    # SQLite keeps UTC timestamps as text without a zone.
    return func.strftime(literal_column("'%Y-%m-%dT%H:00:00'"), column)


async def hourly_counts(session: AsyncSession, column: Any, hours: Hours, *where: Any) -> list[int]:
    """How many rows (matching `where`) have `column` in each hour of `hours`."""
    hour = hour_of(session, column)
    stmt = (
        select(hour, func.count())
        .where(column >= hours.start, column < hours.end, *where)
        .group_by(hour)
    )
    return hours.counts((h, n) for h, n in (await session.execute(stmt)).all())


def _as_hour(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


__all__ = ["Counts", "Hours", "hour_of", "hourly_counts"]
