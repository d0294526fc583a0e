"""`platform sessions …`: mirrors ``client.auth.sessions`` of the SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from platform_cli.context import (
    AllOption,
    DryRunOption,
    LimitOption,
    OutputOption,
    YesOption,
    client,
    confirm,
    output,
    page_size,
    take,
)

if TYPE_CHECKING:
    from platform_cli.output import Column

app = typer.Typer(help="Your sign-in sessions (devices).", no_args_is_help=True)


def columns() -> list[Column]:
    from platform_cli.output import Column

    return [
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
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        with out.spinner("Fetching sessions…"):
            page = sdk.auth.sessions.list(limit=page_size(limit, all_items))
        out.many(take(page, limit, all_items), columns(), empty="No sessions.")


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
        if dry_run:
            with out.spinner("Fetching…"):
                found = next(
                    (s for s in sdk.auth.sessions.list(limit=100) if str(s.id) == session_id), None
                )
            if found is None:
                from platform_cli.errors import NotFound

                raise NotFound(f"session {session_id} does not exist (or is not yours)")
            out.dry_run(f"revoke session {session_id}", request=found.model_dump(mode="json"))
            return
        confirm(f"revoke session {session_id}", yes=yes)
        with out.spinner("Revoking…"):
            sdk.auth.sessions.revoke(session_id)
    out.done(f"Revoked session {session_id}.", {"id": session_id, "revoked": True})
