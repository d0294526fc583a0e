"""Key bindings written the short way: keys, action, label and tooltip, in that order."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding


def key(keys: str, action: str, label: str, tooltip: str, **options: Any) -> Binding:
    """``Binding(keys, action, label, tooltip=tooltip, **options)``, short enough for one line.
    A capital letter is shown as itself (``R``, not Textual's ``shift+r``)."""
    if len(keys) == 1 and keys.isupper():
        options.setdefault("key_display", keys)
    return Binding(keys, action, label, tooltip=tooltip, **options)
