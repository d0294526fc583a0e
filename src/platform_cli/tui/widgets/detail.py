"""The detail pane: the highlighted record in full, with its related records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from platform_cli.tui.format import DASH


class DetailPane(VerticalScroll, can_focus=True):
    ALLOW_MAXIMIZE = True
    DEFAULT_CSS = """
    DetailPane { border: round $primary 50%; padding: 0 1; }
    DetailPane:focus { border: round $accent; }
    DetailPane > #detail-body { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, title: str = "Detail") -> None:
        super().__init__(id=id)
        self.border_title = title

    def compose(self) -> ComposeResult:
        yield Static(Text("Select a row to see it here.", style="dim"), id="detail-body")

    def show(self, renderable: RenderableType, *, subtitle: str = "") -> None:
        self.query_one("#detail-body", Static).update(renderable)
        self.border_subtitle = subtitle

    def message(self, text: str) -> None:
        self.show(Text(text, style="dim"))


# -- building blocks for detail renderables ---------------------------------------------------


def facts(pairs: Iterable[tuple[str, Any]]) -> Table:
    """A two-column key/value table."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in pairs:
        if value is None or value == "":
            shown: RenderableType = Text(DASH, style="dim")
        elif isinstance(value, Text):
            shown = value
        else:
            shown = Text(str(value))
        table.add_row(key, shown)
    return table


def section(title: str, count: int | None = None) -> Text:
    label = f"\n{title}" + (f" ({count})" if count is not None else "")
    return Text(label, style="bold underline")


FOLDING = {"NAME", "NOTE", "REASON", "SUMMARY", "ERROR", "BY"}


def rows_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str = "none"
) -> RenderableType:
    """A small table; free-text columns (NAME, NOTE, …) wrap, the others keep their width."""
    data = [list(r) for r in rows]
    if not data:
        return Text(empty, style="dim")
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold dim")
    for index, header in enumerate(headers):
        if header in FOLDING:
            table.add_column(header, overflow="fold", ratio=1)
        else:
            widest = max(len(header), *(len(str(r[index])) for r in data if r[index] is not None))
            table.add_column(header, no_wrap=True, min_width=min(widest, 24))
    for row in data:
        table.add_row(
            *[c if isinstance(c, Text) else Text(DASH if c is None else str(c)) for c in row]
        )
    return table


def group(*parts: RenderableType) -> Group:
    return Group(*parts)
