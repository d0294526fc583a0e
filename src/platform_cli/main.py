"""The `platform` entry point (``[project.scripts]``): runs the root command of ``root.py``.

This module stays light: ``platform --version`` is answered here without importing Typer
(about 50 ms of a command's start), and everything else goes to the Typer app. ``app`` is
re-exported for tests and scripts (``from platform_cli.main import app``).
"""

from __future__ import annotations

import sys
from typing import Any


def run() -> None:
    if sys.argv[1:] == ["--version"]:
        from platform_cli import __version__

        sys.stdout.write(f"platform {__version__}\n")
        return
    from platform_cli.root import app

    app()


def __getattr__(name: str) -> Any:
    if name == "app":
        from platform_cli.root import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
