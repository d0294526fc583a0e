"""Key bindings written the short way: keys, action, label and tooltip, in that order."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding


def key(keys: str, action: str, label: str, tooltip: str, **options: Any) -> Binding:
    """``Binding(keys, action, label, tooltip=tooltip, **options)``, short enough for one line."""
    return Binding(keys, action, label, tooltip=tooltip, **options)
