"""`platform config get|set|list`: per-profile settings (base_url, output)."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.context import Column, connection
from platform_cli.params import arg
from platform_cli.verbs import Session, verb

app = typer.Typer(
    help="Settings of the active profile (or the defaults with --global).", no_args_is_help=True
)

KeyArg = Annotated[str, arg(help="base_url or output.")]
GlobalOption = Annotated[
    bool, typer.Option("--global", "-g", help="The defaults every profile inherits.")
]


@app.command("get")
@verb(authenticated=False)
def get(session: Session, key: KeyArg, global_: GlobalOption = False) -> None:
    """Print one setting (as the commands see it: environment, profile, defaults)."""
    from platform_cli.config import SETTABLE_KEYS
    from platform_cli.errors import NotFound, UsageError

    out = session.out
    conn = connection(session.ctx)
    if key not in SETTABLE_KEYS:
        raise UsageError(f"unknown key {key!r}; known keys: {', '.join(SETTABLE_KEYS)}")
    if global_:
        value = conn.config.defaults.get(key)
    elif key == "base_url":
        value = conn.base_url
    else:
        value = conn.config.get(conn.profile, key)
    if value is None:
        raise NotFound(f"{key} is not set")
    if out.format == "table":
        out.write(f"{value}\n")
    else:
        out.one({"key": key, "value": value, "profile": None if global_ else conn.profile})


@app.command("set")
@verb(authenticated=False)
def set_(
    session: Session, key: KeyArg, value: Annotated[str, arg()], global_: GlobalOption = False
) -> None:
    """Change a setting of the active profile (or --global)."""
    from platform_cli.config import ConfigError
    from platform_cli.errors import UsageError

    out = session.out
    conn = connection(session.ctx)
    try:
        value = conn.config.set(None if global_ else conn.profile, key, value)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    conn.config.save()
    where = "defaults" if global_ else f"profile {conn.profile!r}"
    out.done(
        f"Set {key} = {value} in {where}.",
        {"key": key, "value": value, "profile": None if global_ else conn.profile},
    )


@app.command("unset")
@verb(authenticated=False)
def unset(session: Session, key: KeyArg, global_: GlobalOption = False) -> None:
    """Remove a setting of the active profile (or --global)."""
    out = session.out
    conn = connection(session.ctx)
    removed = conn.config.unset(None if global_ else conn.profile, key)
    conn.config.save()
    out.done(f"{'Removed' if removed else 'Was not set:'} {key}.", {"key": key, "removed": removed})


@app.command("list")
@verb(authenticated=False)
def list_(session: Session) -> None:
    """Every setting of the active profile, with where its value comes from."""
    import os

    from platform_cli.config import DEFAULT_BASE_URL, SETTABLE_KEYS

    out = session.out
    conn = connection(session.ctx)
    profile = conn.config.profiles.get(conn.profile, {})
    rows = []
    for key, description in SETTABLE_KEYS.items():
        if key == "base_url" and os.environ.get("PLATFORM_BASE_URL"):
            value, source = os.environ["PLATFORM_BASE_URL"], "environment (PLATFORM_BASE_URL)"
        elif profile.get(key) is not None:
            value, source = profile[key], f"profile {conn.profile}"
        elif conn.config.defaults.get(key) is not None:
            value, source = conn.config.defaults[key], "defaults"
        else:
            value = DEFAULT_BASE_URL if key == "base_url" else "table"
            source = "built-in"
        rows.append({"key": key, "value": value, "source": source, "description": description})
    out.many(
        rows,
        [
            Column("KEY", "key"),
            Column("VALUE", "value"),
            Column("SOURCE", "source"),
            Column("DESCRIPTION", "description"),
        ],
    )
