"""`platform api-keys …`: mirrors ``client.api_keys`` of the SDK."""

from __future__ import annotations

from datetime import datetime
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

app = typer.Typer(help="Your API keys (for CI and scripts).", no_args_is_help=True)


def columns() -> list[Column]:
    from platform_cli.output import Column

    return [
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
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"],
        ),
    ] = None,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Create a key; the secret is printed once, store it now."""
    from datetime import UTC

    out = output(ctx, fmt)
    if expires_at is not None and expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    if dry_run:
        from platform_cli.errors import LocalValidationError

        errors = []
        if not 1 <= len(name) <= 255:
            errors.append(("body.name", "must be 1-255 characters"))
        if expires_at is not None and expires_at <= datetime.now(UTC):
            errors.append(("body.expires_at", "must be in the future"))
        if errors:
            raise LocalValidationError(errors)
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
    out.one(created, [*columns(), *_key_column()])
    if out.format == "table":
        out.warn("this is the only time the key is shown; store it now.")


def _key_column() -> list[Column]:
    from platform_cli.output import Column

    return [Column("KEY", "key")]


@app.command("list")
def list_keys(
    ctx: typer.Context,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List your API keys (never their secrets)."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        with out.spinner("Fetching API keys…"):
            page = sdk.api_keys.list(limit=page_size(limit, all_items))
        out.many(take(page, limit, all_items), columns(), empty="No API keys.")


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
        if dry_run:
            with out.spinner("Fetching…"):
                found = next((k for k in sdk.api_keys.list(limit=100) if str(k.id) == key_id), None)
            if found is None:
                from platform_cli.errors import NotFound

                raise NotFound(f"API key {key_id} does not exist (or is not yours)")
            out.dry_run(f"revoke API key {key_id}", request=found.model_dump(mode="json"))
            return
        confirm(f"revoke API key {key_id}", yes=yes)
        with out.spinner("Revoking…"):
            sdk.api_keys.revoke(key_id)
    out.done(f"Revoked API key {key_id}.", {"id": key_id, "revoked": True})
