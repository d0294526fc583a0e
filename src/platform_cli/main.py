"""The `platform` entry point."""

from __future__ import annotations

import typer

from platform_cli import __version__
from platform_cli.commands import server

app = typer.Typer(
    name="platform",
    help="Platform: administer users, catalog, orders and more from the command line.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals would print tokens and passwords
)
app.add_typer(server.app, name="server")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"platform {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Platform command line."""


def run() -> None:
    app()
