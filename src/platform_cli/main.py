"""The `platform` entry point: root app, global options, and the registry of command groups.

Adding a noun: write ``commands/<noun>.py`` with ``app = typer.Typer(...)`` and add a line
to ``NOUNS``. Keep module-level imports light (typer, typing, ``platform_cli.context`` and
``platform_cli.actions``, whose list/show/change helpers most command bodies are made of);
import the SDK, Rich etc. inside command functions.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from platform_cli import __version__
from platform_cli.context import Format, State

# (command name, module under platform_cli.commands, help panel)
NOUNS: list[tuple[str, str, str]] = [
    ("auth", "auth", "Account"),
    ("profiles", "profiles", "Account"),
    ("config", "config", "Account"),
    ("users", "users", "Resources"),
    ("api-keys", "api_keys", "Resources"),
    ("sessions", "sessions", "Resources"),
    ("products", "products", "Catalog"),
    ("categories", "categories", "Catalog"),
    ("inventory", "inventory", "Catalog"),
    ("orders", "orders", "Orders"),
    ("payments", "payments", "Orders"),
    ("events", "events", "Events"),
    ("notifications", "notifications", "Events"),
    ("webhooks", "webhooks", "Events"),
    ("audit", "audit", "Events"),
    ("stats", "stats", "Operations"),
    ("server", "server", "Server"),
    ("worker", "worker", "Server"),
    ("help", "help", "Help"),
]


GLOBAL_FLAGS = ("--debug",)
GLOBAL_OPTIONS = ("--profile", "-p")


def hoist_global_options(args: list[str]) -> list[str]:
    """Let ``--debug`` and ``--profile/-p NAME`` appear anywhere, as if given first.

    Only tokens before a ``--`` separator move; subcommands must not define these names.
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in GLOBAL_FLAGS or arg.startswith("--profile="):
            front.append(arg)
        elif arg in GLOBAL_OPTIONS and i + 1 < len(args):
            front.extend(args[i : i + 2])
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


class PlatformGroup(TyperGroup):
    """Turns every error of every subcommand into one readable line and an exit code."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(list(args)))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader went away (`platform … | head`): stop quietly, like `cat` does.
            _silence_stdout()
            raise typer.Exit(0) from None
        except Exception as exc:
            from platform_cli.errors import render

            obj = ctx.obj
            text, code = render(exc, debug=bool(getattr(obj, "debug", False)))
            sys.stderr.write(text + "\n")
            sys.stderr.flush()
            raise typer.Exit(code) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests), or closed
        pass


app = typer.Typer(
    name="platform",
    cls=PlatformGroup,
    help="Platform: administer users, catalog, orders and more from the command line.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals would print tokens and passwords
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"platform {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            envvar="PLATFORM_PROFILE",
            help="Profile to use (default: the current profile, see `platform profiles`).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Format | None,
        typer.Option(
            "--output",
            "-o",
            help="Default output format for the command (table, json, jsonl, yaml, csv).",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks on errors (secrets are redacted).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Platform command line. Exit codes and environment: `platform help`."""
    ctx.obj = State(profile=profile, output=output.value if output else None, debug=debug)


def _register() -> None:
    for name, module, panel in NOUNS:
        mod = importlib.import_module(f"platform_cli.commands.{module}")
        app.add_typer(mod.app, name=name, rich_help_panel=panel)
    from platform_cli.commands import api, auth, health

    app.command("login", rich_help_panel="Account")(auth.login)
    app.command("logout", rich_help_panel="Account")(auth.logout)
    app.command("health", rich_help_panel="Resources")(health.health)
    app.command(
        "api",
        rich_help_panel="Resources",
        context_settings={"ignore_unknown_options": False},
    )(api.api)
    from platform_cli.tui.cli import tui  # Typer only; Textual loads when it runs

    app.command("tui", rich_help_panel="Operations")(tui)


_register()


def run() -> None:
    app()
