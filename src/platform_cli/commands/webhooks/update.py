"""`platform webhooks update`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.commands.webhooks.options import COLUMNS, WebhookId, validate_fields
from platform_cli.context import check_fields
from platform_cli.params import opt
from platform_cli.verbs import Change, Session, changing


@changing()
def update(
    session: Session,
    webhook_id: WebhookId,
    url: Annotated[str | None, opt("--url")] = None,
    event: Annotated[
        list[str] | None,
        opt("--event", "-e", help="Replace the event types (repeatable; * for all)."),
    ] = None,
    description: Annotated[str | None, opt("--description", "-d")] = None,
    clear_description: Annotated[
        bool, typer.Option("--clear-description", help="Remove the description.")
    ] = False,
    enabled: Annotated[
        bool | None,
        opt(
            "--enable/--disable",
            help="Enable (also after the server disabled it for failures) or disable.",
        ),
    ] = None,
) -> Change:
    """Change an endpoint's URL, events, description, or enable/disable it."""
    from platform_cli.errors import UsageError
    from platform_sdk import NULL

    if description is not None and clear_description:
        raise UsageError("give --description or --clear-description, not both")
    changes: dict[str, Any] = {
        "url": url,
        "events": list(event) if event else None,
        "description": description,
        "active": enabled,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes and not clear_description:
        raise UsageError("nothing to change: give at least one of the options")
    check_fields(validate_fields(changes))
    shown = dict(changes)
    sent: dict[str, Any] = dict(changes)
    if clear_description:
        shown["description"] = None
        sent["description"] = NULL  # JSON null: clears it
    webhooks = session.sdk.webhooks
    return Change(
        action=f"update webhook endpoint {webhook_id}",
        fetch=lambda: webhooks.get(webhook_id),
        after=lambda before: {**before, **shown},
        call=lambda: webhooks.update(webhook_id, **sent),
        columns=COLUMNS,
    )
