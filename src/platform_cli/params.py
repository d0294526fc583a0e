"""Options and arguments as this CLI declares them: Typer's, without its
"[default: …]" line. Most of ours have no default worth showing (None, an empty
list), and those that have one say it in their help, in words."""

from __future__ import annotations

from typing import Any

import typer


def opt(*names: str, **settings: Any) -> Any:
    """``typer.Option(*names, show_default=False, **settings)``."""
    settings.setdefault("show_default", False)
    return typer.Option(*names, **settings)


def arg(*default: Any, **settings: Any) -> Any:
    """``typer.Argument(*default, show_default=False, **settings)``."""
    settings.setdefault("show_default", False)
    return typer.Argument(*default, **settings)
