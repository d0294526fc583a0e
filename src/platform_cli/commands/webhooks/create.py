"""`platform webhooks create` and `rotate-secret`: the two that print a signing secret."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.commands.webhooks import options
from platform_cli.context import Column, check_fields
from platform_cli.params import opt
from platform_cli.verbs import Change, Session, changing, verb


@verb(dry_run=True)
def create(
    session: Session,
    url: Annotated[str, typer.Option("--url", help="Where to POST events (http or https).")],
    event: options.EventOption = None,
    description: Annotated[str | None, opt("--description", "-d", help="What it is for.")] = None,
    inactive: Annotated[
        bool, typer.Option("--inactive", help="Create it disabled (nothing is sent yet).")
    ] = False,
) -> None:
    """Register an endpoint; its signing secret is printed once, store it now."""
    from platform_cli.errors import UsageError

    if not event:
        raise UsageError('give at least one --event TYPE (or --event "*" for all)')
    out = session.out
    fields: dict[str, Any] = {
        "url": url,
        "events": list(event),
        "active": not inactive,
        "description": description,
    }
    if session.dry_run:
        check_fields(options.validate_fields(fields))
        out.dry_run("create a webhook endpoint", request=fields)
        return
    sdk = session.sdk
    with out.spinner("Creating…"):
        created = sdk.webhooks.create(**fields)
    options.show_secret(out, created, options.COLUMNS)


@changing(confirm=True)
def rotate_secret(
    session: Session,
    webhook_id: options.WebhookId,
    previous_secret_hours: Annotated[
        int | None,
        opt(
            "--previous-secret-hours",
            min=0,
            max=168,
            help="How long deliveries also carry a signature with the old secret, so "
            "receivers can switch over (server default: 24; 0 retires it at once).",
        ),
    ] = None,
) -> Change:
    """Replace the signing secret (printed once); the old one keeps signing for a while."""
    out, sdk = session.out, session.sdk
    hours = previous_secret_hours
    return Change(
        action=f"rotate the signing secret of webhook endpoint {webhook_id}",
        fetch=lambda: sdk.webhooks.get(webhook_id),
        call=lambda: sdk.webhooks.rotate_secret(webhook_id, previous_secret_hours=hours),
        spinner="Rotating…",
        show=lambda result: options.show_secret(
            out,
            result,
            [
                Column("ID", "id", "id"),
                Column("OLD SECRET SIGNS UNTIL", "previous_secret_expires_at", "time"),
            ],
        ),
    )
