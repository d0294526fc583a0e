"""`platform profiles …`: named server + credential pairs in the config file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.context import YesOption, columns, confirm, connection
from platform_cli.params import arg
from platform_cli.verbs import Session, verb

if TYPE_CHECKING:
    from platform_cli.client import Connection
app = typer.Typer(help="List, switch, show and delete profiles.", no_args_is_help=True)

NameArg = Annotated[str, arg(help="Profile name.")]


COLUMNS = columns(
    "CURRENT=current:bool, NAME=name, BASE URL=base_url, EMAIL=email, AUTH=auth_kind, "
    "STORED IN=credential_store, OUTPUT=output"
)


def _row(conn: Connection, name: str) -> dict[str, Any]:
    config = conn.config
    values = config.profiles.get(name, {})
    return {
        "name": name,
        "current": name == conn.profile,
        "base_url": values.get("base_url") or config.defaults.get("base_url"),
        "email": values.get("email"),
        "user_id": values.get("user_id"),
        "auth_kind": values.get("auth_kind"),
        "credential_store": values.get("credential_store"),
        "output": values.get("output") or config.defaults.get("output"),
    }


def _require(conn: Connection, name: str) -> None:
    if name not in conn.config.profiles:
        from platform_cli.errors import NotFound

        known = ", ".join(sorted(conn.config.profiles)) or "none yet; `platform login` makes one"
        raise NotFound(f"no profile named {name!r} (profiles: {known})")


@app.command("list")
@verb(authenticated=False)
def list_profiles(session: Session) -> None:
    """Every profile; CURRENT marks the active one."""
    out = session.out
    conn = connection(session.ctx)
    names = sorted(conn.config.profiles)
    out.many((_row(conn, n) for n in names), COLUMNS, empty="No profiles; run `platform login`.")


@app.command("use")
@verb(authenticated=False)
def use(session: Session, name: NameArg) -> None:
    """Make a profile the current one."""
    out = session.out
    conn = connection(session.ctx)
    _require(conn, name)
    conn.config.current_profile = name
    conn.config.save()
    out.done(f"Now using profile {name!r}.", {"current_profile": name})


@app.command("show")
@verb(authenticated=False)
def show(
    session: Session,
    name: Annotated[str | None, arg(help="Profile name (default: the active one).")] = None,
) -> None:
    """Settings of a profile (never its secrets)."""
    out = session.out
    conn = connection(session.ctx)
    name = name or conn.profile
    _require(conn, name)
    out.one(_row(conn, name), COLUMNS)


@app.command("delete")
@verb(authenticated=False)
def delete(session: Session, name: NameArg, yes: YesOption = False) -> None:
    """Delete a profile and forget its credential (without revoking it; use logout for that)."""
    out = session.out
    conn = connection(session.ctx)
    _require(conn, name)
    confirm(f"delete profile {name!r} and its stored credential", yes=yes)
    removed = conn.store.delete(name)
    conn.config.delete_profile(name)
    conn.config.save()
    out.done(
        f"Deleted profile {name!r}.", {"name": name, "deleted": True, "forgotten_from": removed}
    )
