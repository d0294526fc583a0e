"""The ``platform tui`` command. Only Typer at import time: Textual, the SDK and the app
load when the command runs, so every other command stays as fast as before."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.params import opt

TEXTUAL_MISSING = (
    "the dashboard needs Textual, which is not installed; "
    "install the extra: pip install 'platform-commerce[tui]'"
)


def tui(
    ctx: typer.Context,
    refresh: Annotated[
        float,
        typer.Option(
            "--refresh",
            min=0.5,
            help="Seconds between live refreshes (each starts after the previous ends).",
        ),
    ] = 5.0,
    read_only: Annotated[
        bool,
        typer.Option("--read-only", help="Hide and refuse every action: look, change nothing."),
    ] = False,
    view: Annotated[
        str | None,
        opt("--view", help="Start in this view, with an optional filter: 'orders pending'."),
    ] = None,
) -> None:
    """Open the operator dashboard in the terminal (needs the `tui` extra).

    Live figures and events; orders, products, users, webhooks, notifications and the
    audit trail with filters and actions. Signs in with the profile's stored credential
    (`-p NAME` for another profile). Keys: `?` inside; docs/tui.md."""
    import importlib.util

    from platform_cli import terminal
    from platform_cli.context import connection
    from platform_cli.errors import CLIError, UsageError

    if importlib.util.find_spec("textual") is None:
        raise CLIError(TEXTUAL_MISSING)
    if not (terminal.stdin_is_tty() and terminal.stdout_is_tty()):
        raise UsageError("the dashboard needs a terminal (stdin and stdout must be a TTY)")
    conn = connection(ctx)
    conn.require_credential()

    from platform_cli.tui.app import Options, PlatformApp
    from platform_cli.tui.connect import async_client

    start_view, _, start_filter = (view or "stats").strip().partition(" ")
    client = async_client(conn)
    app = PlatformApp(
        client,
        Options(profile=conn.profile, refresh=refresh, read_only=read_only),
        start_view=start_view,
        start_filter=start_filter.strip(),
        close_client=True,
    )
    # Warnings (a refreshed token that could not be stored) go to the screen, not stderr.
    conn.warn = lambda message: app.notify(message, severity="warning", markup=False)
    app.run()
