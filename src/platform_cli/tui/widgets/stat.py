"""A figure of the stats view: a title, the value and a 24-hour sparkline; Enter opens the list
behind it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from platform_cli.tui.format import sparkline


class StatCard(Vertical, can_focus=True):
    DEFAULT_CSS = """
    StatCard { border: round $primary 40%; height: 6; padding: 0 1; }
    StatCard:focus { border: round $accent; }
    StatCard.-alert { border: round $error; }
    StatCard > .stat-value { text-style: bold; height: 2; }
    StatCard > .stat-trend { color: $accent; height: 1; }
    StatCard > .stat-note { color: $text-muted; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "Open", show=False)]

    class Opened(Message):
        def __init__(self, card: StatCard) -> None:
            super().__init__()
            self.card = card

    def __init__(self, title: str, *, target: str, filter_text: str = "", id: str) -> None:
        super().__init__(id=id)
        self.border_title = title
        self.target = target
        self.filter_text = filter_text

    def compose(self) -> ComposeResult:
        yield Static("…", classes="stat-value")
        yield Static("", classes="stat-trend")
        yield Static("", classes="stat-note")

    def set(
        self,
        value: str | Text,
        trend: Sequence[float] | None,
        *,
        note: str = "",
        alert: bool = False,
    ) -> None:
        self.query_one(".stat-value", Static).update(value)
        # One bar per hour; on a narrow card the latest hours win.
        width = max(1, min(24, self.content_size.width or 24))
        self.query_one(".stat-trend", Static).update(sparkline(list(trend or []), width=width))
        self.query_one(".stat-note", Static).update(note)
        self.set_class(alert, "-alert")

    def action_open(self) -> None:
        self.post_message(self.Opened(self))

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Opened(self))
