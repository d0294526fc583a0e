"""What frames every view: the status line on top and the server-down banner."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    """Two lines: where you are (view, profile, server, who) and the view's state."""

    DEFAULT_CSS = """
    StatusBar { height: 2; background: $panel; color: $text; padding: 0 1; }
    """


class ConnectionBanner(Static):
    """Shown while the server cannot be reached; the app reconnects by itself."""

    DEFAULT_CSS = """
    ConnectionBanner {
        display: none;
        height: auto;
        background: $error;
        color: $text;
        text-style: bold;
        padding: 0 1;
    }
    ConnectionBanner.-offline { display: block; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "offline", self._offline_changed, init=True)

    def _offline_changed(self, reason: Any) -> None:
        if reason:
            base_url = getattr(getattr(self.app, "client", None), "base_url", "the server")
            text = Text(f"⚠ Cannot reach {base_url} ")
            text.append(f"({reason})", style="not bold")
            text.append("; reconnecting by itself…")
            self.update(text)
            self.add_class("-offline")
        else:
            self.remove_class("-offline")
            self.update("")
