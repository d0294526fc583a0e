"""`platform sessions …`: mirrors ``client.auth.sessions`` of the SDK."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.actions import change, find_listed, list_page
from platform_cli.context import (
    AllOption,
    Column,
    DryRunOption,
    LimitOption,
    OutputOption,
    YesOption,
    client,
    output,
)

app = typer.Typer(help="Your sign-in sessions (devices).", no_args_is_help=True)


COLUMNS = [
    Column("ID", "id", "id"),
    Column("CURRENT", "current", "bool"),
    Column("USER AGENT", "user_agent"),
    Column("IP", "ip_address"),
    Column("CREATED", "created_at", "time"),
    Column("LAST USED", "last_used_at", "time"),
    Column("EXPIRES", "expires_at", "time"),
    Column("REVOKED", "revoked_at", "time"),
]


@app.command("list")
def list_sessions(
    ctx: typer.Context,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List your sessions; CURRENT marks the one of this credential."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.auth.sessions.list(limit=size),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No sessions.",
        spinner="Fetching sessions…",
    )


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    session_id: Annotated[str, typer.Argument(help="Session id (see `platform sessions list`).")],
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Sign a session out (its refresh token stops working)."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        change(
            out,
            action=f"revoke session {session_id}",
            fetch=lambda: find_listed(
                sdk.auth.sessions.list(limit=100),
                session_id,
                f"session {session_id} does not exist (or is not yours)",
            ),
            call=lambda: sdk.auth.sessions.revoke(session_id),
            spinner="Revoking…",
            show=lambda _: out.done(
                f"Revoked session {session_id}.", {"id": session_id, "revoked": True}
            ),
            yes=yes,
            dry_run=dry_run,
        )
