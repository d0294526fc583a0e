"""Turning SDK values into short strings and styled text for tables and detail panes.

No Textual here: only Rich, so these helpers are quick to test on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from rich.text import Text

STATUS_STYLES: dict[str, str] = {
    # orders
    "pending": "yellow",
    "paid": "cyan",
    "fulfilled": "blue",
    "shipped": "magenta",
    "delivered": "green",
    "cancelled": "dim",
    "expired": "dim",
    "refunded": "red",
    # users, products, webhooks
    "active": "green",
    "suspended": "bold red",
    "archived": "dim",
    "disabled": "bold red",
    # notifications and deliveries
    "queued": "yellow",
    "sent": "green",
    "failed": "bold red",
    "succeeded": "green",
    # bulk jobs (and their report's outcomes)
    "running": "cyan",
    "created": "green",
    "updated": "cyan",
    "unchanged": "dim",
    "valid": "green",
}

SPARK_BARS = "▁▂▃▄▅▆▇█"
DASH = "\u2013"  # shown for a missing value


def field(obj: Any, name: str, default: Any = None) -> Any:
    """``obj.name`` or ``obj[name]``: SDK models and plain dicts alike; dotted names walk."""
    value = obj
    for part in name.split("."):
        if value is None:
            return default
        if isinstance(value, Mapping):
            value = value.get(part, default)
        else:
            value = getattr(value, part, default)
    return value


# Ids are UUIDv7: their first 8 characters change about once a minute, so rows made
# within a minute of each other all began the same. 13 characters (``0193a2f4-5b6c``)
# hold the whole millisecond timestamp: rows made by different requests differ, and
# it is still a prefix `platform` resolves.
SHORT_ID = 13


def short_id(value: Any, length: int = SHORT_ID) -> str:
    text = "" if value is None else str(value)
    return text[:length]


def order_ref(number: Any, order_id: Any = None) -> str:
    """An order as people name it: ``#1001`` (its id, shortened, when it has no number)."""
    return f"#{number}" if number is not None else short_id(order_id)


def decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def money(amount: Any, currency: str | None = None) -> str:
    number = decimal(amount)
    if number is None:
        return DASH
    text = f"{number:,.2f}"
    return f"{text} {currency}" if currency else text


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def timestamp(value: datetime | None, *, seconds: bool = True) -> str:
    """``2026-11-25 14:03:05`` in UTC (every time in the API is UTC)."""
    if value is None:
        return DASH
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def ago(value: datetime | None, now: datetime) -> str:
    """How long ago, briefly: ``42s``, ``5m``, ``3h``, ``2d``; older than a week: the date."""
    if value is None:
        return DASH
    seconds = (as_utc(now) - as_utc(value)).total_seconds()
    if seconds < 0:
        return "now" if seconds > -5 else timestamp(value, seconds=False)
    if seconds < 60:
        return f"{int(seconds)}s ago"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h ago"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d ago"
    return as_utc(value).strftime("%Y-%m-%d")


def status_text(status: Any) -> Text:
    value = "" if status is None else str(status)
    return Text(value, style=STATUS_STYLES.get(value, ""))


def sparkline(values: list[float] | list[int] | list[Decimal], width: int | None = None) -> str:
    """A one-line bar chart of the values (the last ``width`` of them)."""
    numbers = [float(v) for v in values]
    if width is not None:
        numbers = numbers[-width:]
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    if high == low:
        return (SPARK_BARS[0] if high == 0 else SPARK_BARS[3]) * len(numbers)
    span = high - low
    top = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[round((n - low) / span * top)] for n in numbers)


def describe_error(exc: BaseException) -> str:
    """One readable, redacted message for any error the SDK (or anything else) raised.

    Uses the CLI's own wording (problem+json ``detail``, field errors, request id), so an
    error reads the same in the dashboard as on the command line.
    """
    from platform_cli.errors import describe, redact

    lines, _code = describe(exc)
    if lines and lines[0].startswith("Error: "):
        lines[0] = lines[0][len("Error: ") :]
    lines = [line for line in lines if "--debug" not in line]
    return redact("\n".join(line.strip() for line in lines))


def quote(value: Any) -> str:
    """A shell-safe argument for the equivalent ``platform …`` command shown to the user."""
    import shlex

    return shlex.quote(str(value))
