"""`platform api-keys …`: mirrors ``client.api_keys`` of the SDK."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from platform_cli.actions import change, find_listed, list_page
from platform_cli.context import (
    TIME_FORMATS,
    AllOption,
    Column,
    DryRunOption,
    LimitOption,
    OutputOption,
    YesOption,
    as_utc,
    check_fields,
    client,
    output,
)

app = typer.Typer(help="Your API keys (for CI and scripts).", no_args_is_help=True)


COLUMNS = [
    Column("ID", "id", "id"),
    Column("NAME", "name"),
    Column("PREFIX", "prefix"),
    Column("SCOPES", "scopes", "list"),
    Column("EXPIRES", "expires_at", "time"),
    Column("LAST USED", "last_used_at", "time"),
    Column("CREATED", "created_at", "time"),
]


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="What the key is for.")],
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            "-s",
            help="A permission (repeatable); default: all of yours.",
            show_default=False,
        ),
    ] = None,
    expires_at: Annotated[
        datetime | None,
        typer.Option(
            "--expires-at",
            help="Expiry (ISO 8601, UTC if no offset).",
            show_default=False,
            formats=TIME_FORMATS,
        ),
    ] = None,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Create a key; the secret is printed once, store it now."""
    from datetime import UTC

    out = output(ctx, fmt)
    expires_at = as_utc(expires_at)
    if dry_run:
        errors = []
        if not 1 <= len(name) <= 255:
            errors.append(("body.name", "must be 1-255 characters"))
        if expires_at is not None and expires_at <= datetime.now(UTC):
            errors.append(("body.expires_at", "must be in the future"))
        check_fields(errors)
        out.dry_run(
            "create an API key",
            request={
                "name": name,
                "scopes": scope or None,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
        return
    with client(ctx) as sdk, out.spinner("Creating…"):
        created = sdk.api_keys.create(name=name, scopes=scope or None, expires_at=expires_at)
    from platform_cli.errors import register_secret

    register_secret(created.key)
    out.one(created, [*COLUMNS, *_KEY_COLUMN])
    if out.format == "table":
        out.warn("this is the only time the key is shown; store it now.")


_KEY_COLUMN = [Column("KEY", "key")]


@app.command("list")
def list_keys(
    ctx: typer.Context,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List your API keys (never their secrets)."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.api_keys.list(limit=size),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No API keys.",
        spinner="Fetching API keys…",
    )


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="Key id (see `platform api-keys list`).")],
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Revoke an API key; it stops working at once."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        change(
            out,
            action=f"revoke API key {key_id}",
            fetch=lambda: find_listed(
                sdk.api_keys.list(limit=100),
                key_id,
                f"API key {key_id} does not exist (or is not yours)",
            ),
            call=lambda: sdk.api_keys.revoke(key_id),
            spinner="Revoking…",
            show=lambda _: out.done(f"Revoked API key {key_id}.", {"id": key_id, "revoked": True}),
            yes=yes,
            dry_run=dry_run,
        )
