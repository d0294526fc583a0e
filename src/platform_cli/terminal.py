"""Is there a terminal? One place to ask (and for tests to monkeypatch)."""

from __future__ import annotations

import os
import sys
from typing import IO, Any


def _isatty(stream: IO[Any] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def stdout_is_tty() -> bool:
    return _isatty(sys.stdout)


def stderr_is_tty() -> bool:
    return _isatty(sys.stderr)


def stdin_is_tty() -> bool:
    return _isatty(sys.stdin)


def color_enabled() -> bool:
    """Colour only on a terminal, never with ``NO_COLOR`` (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return stdout_is_tty()
