"""Small pieces several views share: cell renderers and fetching side sections."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from rich.console import RenderableType
from rich.text import Text

from platform_cli.tui.format import DASH, ago, describe_error, money, short_id, status_text
from platform_cli.tui.widgets.detail import rows_table, section

T = TypeVar("T")


def when(now: Callable[[], datetime]) -> Callable[[Any], Text]:
    return lambda value: Text(ago(value, now()), style="dim")


def ident(value: Any) -> Text:
    return Text(short_id(value), style="dim")


def status(value: Any) -> Text:
    return status_text(value)


def amount(value: Any) -> str:
    return money(value)


def number(value: Any) -> str:
    return DASH if value is None else f"{value:,}"


async def sections(**calls: Awaitable[Any]) -> dict[str, Any]:
    """Run side calls of a detail pane at once; a failed one yields its exception (shown
    in its section) instead of failing the pane."""
    names = list(calls)
    results = await asyncio.gather(*calls.values(), return_exceptions=True)
    out = dict(zip(names, results, strict=True))
    for value in out.values():
        if isinstance(value, asyncio.CancelledError):
            raise value
    return out


def failed(value: Any) -> RenderableType | None:
    """The error text of a failed section, or None when it worked."""
    if isinstance(value, BaseException):
        return Text(describe_error(value), style="red")
    return None


def page_section(
    title: str,
    page: Any,
    headers: Sequence[str],
    cells: Callable[[Any], Sequence[Any]],
    *,
    empty: str = "none",
) -> list[RenderableType]:
    """A detail pane's section over a page from ``sections()``: the title with the count
    and a table (``cells`` makes an item's row), or the title and the error of a failed call."""
    error = failed(page)
    if error is not None:
        return [section(title), error]
    table = rows_table(headers, [cells(item) for item in page.data], empty=empty)
    return [section(title, len(page.data)), table]
