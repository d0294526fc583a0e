"""The root command: the Typer app, global options, and the registry of command groups.

Adding a noun: a package ``commands/<noun>/`` whose ``__init__`` declares ``NOUN`` (its help
and verbs, see ``platform_cli.lazy``), one module per verb built with the decorators of
``platform_cli.verbs``, and a line in ``ROOT``. Keep module-level imports light (typer,
typing, ``platform_cli.context``/``verbs``); import the SDK, Rich etc. inside verb bodies.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from platform_cli import __version__
from platform_cli.context import Format, State
from platform_cli.lazy import LazyGroup, Noun
from platform_cli.params import opt

_C = "platform_cli.commands."

# The root's subcommands: a noun package (its ``NOUN``), or ``module:function`` for the few
# top-level verbs. Nothing here is imported until it is named (see ``platform_cli.lazy``).
ROOT = Noun(
    help="",
    verbs={
        "auth": _C + "auth",
        "profiles": _C + "profiles:app",
        "config": _C + "config:app",
        "users": _C + "users",
        "api-keys": _C + "api_keys",
        "products": _C + "products",
        "categories": _C + "categories",
        "bulk": _C + "bulk",
        "orders": _C + "orders",
        "payments": _C + "payments",
        "events": _C + "events",
        "notifications": _C + "notifications",
        "webhooks": _C + "webhooks",
        "audit": _C + "audit",
        "stats": _C + "stats:app",
        "server": _C + "server:app",
        "worker": _C + "worker:app",
        "help": _C + "help:app",
        "login": _C + "auth.login:login",
        "logout": _C + "auth.logout:logout",
        "health": _C + "health:health",
        "api": _C + "api:api",
        "tui": "platform_cli.tui.cli:tui",  # Typer only; Textual loads when it runs
        # Old spellings, kept (hidden) for one release.
        "inventory": _C + "products.inventory",
        "sessions": _C + "auth.sessions",
    },
    panels={
        **dict.fromkeys(("auth", "profiles", "config", "login", "logout"), "Account"),
        **dict.fromkeys(("users", "api-keys", "health", "api"), "Resources"),
        **dict.fromkeys(("products", "categories", "bulk"), "Catalog"),
        **dict.fromkeys(("orders", "payments"), "Orders"),
        **dict.fromkeys(("events", "notifications", "webhooks", "audit"), "Events"),
        **dict.fromkeys(("stats", "tui"), "Operations"),
        **dict.fromkeys(("server", "worker"), "Server"),
        "help": "Help",
    },
    hidden=frozenset({"inventory", "sessions"}),
)


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


class PlatformGroup(LazyGroup):
    """Turns every error of every subcommand into one readable line and an exit code."""

    noun = ROOT

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
        opt(
            "--profile",
            "-p",
            envvar="PLATFORM_PROFILE",
            help="Profile to use (default: the current profile, see `platform profiles`).",
        ),
    ] = None,
    output: Annotated[
        Format | None,
        opt(
            "--output",
            "-o",
            help="Default output format for the command (table, json, jsonl, yaml, csv).",
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
