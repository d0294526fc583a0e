"""`platform webhooks …`: mirrors ``client.webhooks`` of the SDK (admins)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.actions import change, list_page, show_one
from platform_cli.context import (
    AllOption,
    Column,
    DryRunOption,
    LimitOption,
    OutputOption,
    YesOption,
    check_fields,
    client,
    output,
)

if TYPE_CHECKING:
    from platform_cli.output import Output

app = typer.Typer(
    help="Webhook endpoints (admins): register URLs for events, watch deliveries, resend.",
    no_args_is_help=True,
)


class DeliveryStatus(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"


WebhookId = Annotated[str, typer.Argument(help="Webhook endpoint id.", show_default=False)]
DeliveryId = Annotated[str, typer.Argument(help="Delivery id.", show_default=False)]
EventOption = Annotated[
    list[str] | None,
    typer.Option(
        "--event",
        "-e",
        help='An event type such as order.paid (repeatable), or "*" for all.',
        show_default=False,
    ),
]

COLUMNS = [
    Column("ID", "id", "id"),
    Column("URL", "url"),
    Column("EVENTS", "events", "list"),
    Column("ACTIVE", "active", "bool"),
    Column("FAILING SINCE", "failing_since", "time"),
    Column("CREATED", "created_at", "time"),
]

DELIVERY_COLUMNS = [
    Column("ID", "id", "id"),
    Column("EVENT", "event_type"),
    Column("STATUS", "status", "status"),
    Column("ATTEMPTS", "attempts"),
    Column("CODE", "response_code"),
    Column("NEXT ATTEMPT", "next_attempt_at", "time"),
    Column("CREATED", "created_at", "time"),
]

_SECRET_COLUMN = [Column("SECRET", "secret")]
SHOWN_ONCE = (
    "this is the only time the signing secret is shown; store it now "
    "(receivers verify deliveries with it)."
)


def validate_fields(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """What can be checked locally for ``--dry-run`` (the server checks addresses too)."""
    from urllib.parse import urlsplit

    errors: list[tuple[str, str]] = []
    url = fields.get("url")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            errors.append(("body.url", "must be an http:// or https:// URL with a host"))
        elif len(url) > 2000:
            errors.append(("body.url", "at most 2000 characters"))
    events = fields.get("events")
    if events is not None and not events:
        errors.append(("body.events", 'give at least one event type, or "*"'))
    description = fields.get("description")
    if description is not None and len(description) > 500:
        errors.append(("body.description", "at most 500 characters"))
    return errors


def _show_secret(out: Output, result: Any, columns: list[Column]) -> None:
    from platform_cli.errors import register_secret

    register_secret(result.secret)
    out.one(result, [*columns, *_SECRET_COLUMN])
    if out.format == "table" and result.secret:
        out.warn(SHOWN_ONCE)


@app.command("create")
def create(
    ctx: typer.Context,
    url: Annotated[str, typer.Option("--url", help="Where to POST events (http or https).")],
    event: EventOption = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="What it is for.", show_default=False)
    ] = None,
    inactive: Annotated[
        bool, typer.Option("--inactive", help="Create it disabled (nothing is sent yet).")
    ] = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Register an endpoint; its signing secret is printed once, store it now."""
    from platform_cli.errors import UsageError

    if not event:
        raise UsageError('give at least one --event TYPE (or --event "*" for all)')
    out = output(ctx, fmt)
    fields: dict[str, Any] = {
        "url": url,
        "events": list(event),
        "active": not inactive,
        "description": description,
    }
    if dry_run:
        check_fields(validate_fields(fields))
        out.dry_run("create a webhook endpoint", request=fields)
        return
    with client(ctx) as sdk, out.spinner("Creating…"):
        created = sdk.webhooks.create(**fields)
    _show_secret(out, created, COLUMNS)


@app.command("list")
def list_webhooks(
    ctx: typer.Context,
    active: Annotated[
        bool | None,
        typer.Option(
            "--active/--disabled", help="Only enabled (or disabled) ones.", show_default=False
        ),
    ] = None,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List webhook endpoints, newest first (never their secrets)."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.webhooks.list(active=active, limit=size),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No webhook endpoints.",
        spinner="Fetching webhook endpoints…",
    )


@app.command("get")
def get(ctx: typer.Context, webhook_id: WebhookId, fmt: OutputOption = None) -> None:
    """Show one endpoint (why it was disabled, since when it fails)."""
    show_one(ctx, output(ctx, fmt), lambda sdk: sdk.webhooks.get(webhook_id), COLUMNS)


@app.command("update")
def update(
    ctx: typer.Context,
    webhook_id: WebhookId,
    url: Annotated[str | None, typer.Option("--url", show_default=False)] = None,
    event: Annotated[
        list[str] | None,
        typer.Option(
            "--event",
            "-e",
            help="Replace the event types (repeatable; * for all).",
            show_default=False,
        ),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", show_default=False)
    ] = None,
    clear_description: Annotated[
        bool, typer.Option("--clear-description", help="Remove the description.")
    ] = False,
    enabled: Annotated[
        bool | None,
        typer.Option(
            "--enable/--disable",
            help="Enable (also after the server disabled it for failures) or disable.",
            show_default=False,
        ),
    ] = None,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
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
    out = output(ctx, fmt)
    shown = dict(changes)
    sent: dict[str, Any] = dict(changes)
    if clear_description:
        shown["description"] = None
        sent["description"] = NULL  # JSON null: clears it
    with client(ctx) as sdk:
        change(
            out,
            action=f"update webhook endpoint {webhook_id}",
            fetch=lambda: sdk.webhooks.get(webhook_id),
            after=lambda before: {**before, **shown},
            call=lambda: sdk.webhooks.update(webhook_id, **sent),
            show=lambda endpoint: out.one(endpoint, COLUMNS),
            dry_run=dry_run,
        )


@app.command("delete")
def delete(
    ctx: typer.Context,
    webhook_id: WebhookId,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Delete an endpoint and its delivery log; nothing more is sent to it."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        change(
            out,
            action=f"delete webhook endpoint {webhook_id}",
            fetch=lambda: sdk.webhooks.get(webhook_id),  # 404 if it does not exist
            call=lambda: sdk.webhooks.delete(webhook_id),
            spinner="Deleting…",
            show=lambda _: out.done(
                f"Deleted webhook endpoint {webhook_id}.", {"id": webhook_id, "deleted": True}
            ),
            yes=yes,
            dry_run=dry_run,
        )


@app.command("rotate-secret")
def rotate_secret(
    ctx: typer.Context,
    webhook_id: WebhookId,
    previous_secret_hours: Annotated[
        int | None,
        typer.Option(
            "--previous-secret-hours",
            min=0,
            max=168,
            help="How long deliveries also carry a signature with the old secret, so "
            "receivers can switch over (server default: 24; 0 retires it at once).",
            show_default=False,
        ),
    ] = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Replace the signing secret (printed once); the old one keeps signing for a while."""
    out = output(ctx, fmt)
    hours = previous_secret_hours
    with client(ctx) as sdk:
        change(
            out,
            action=f"rotate the signing secret of webhook endpoint {webhook_id}",
            fetch=lambda: sdk.webhooks.get(webhook_id),
            call=lambda: sdk.webhooks.rotate_secret(webhook_id, previous_secret_hours=hours),
            spinner="Rotating…",
            show=lambda result: _show_secret(
                out,
                result,
                [
                    Column("ID", "id", "id"),
                    Column("OLD SECRET SIGNS UNTIL", "previous_secret_expires_at", "time"),
                ],
            ),
            yes=yes,
            dry_run=dry_run,
        )


@app.command("test")
def test(
    ctx: typer.Context,
    webhook_id: WebhookId,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Send a signed `ping` to the endpoint now; follow it with `deliveries`."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        change(
            out,
            action=f"send a test ping to webhook endpoint {webhook_id}",
            fetch=lambda: sdk.webhooks.get(webhook_id),
            call=lambda: sdk.webhooks.test(webhook_id),
            spinner="Queueing…",
            show=lambda delivery: out.one(delivery, DELIVERY_COLUMNS),
            dry_run=dry_run,
        )


@app.command("deliveries")
def deliveries(
    ctx: typer.Context,
    webhook_id: WebhookId,
    delivery_id: Annotated[
        str | None,
        typer.Argument(help="Show this delivery with its payload.", show_default=False),
    ] = None,
    status: Annotated[
        DeliveryStatus | None, typer.Option(help="Only this status.", show_default=False)
    ] = None,
    event_type: Annotated[
        str | None,
        typer.Option("--event-type", help="Only this event type (or ping).", show_default=False),
    ] = None,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """An endpoint's deliveries, newest first; with DELIVERY_ID, that one with its payload."""
    out = output(ctx, fmt)
    if delivery_id is not None:
        show_one(
            ctx,
            out,
            lambda sdk: sdk.webhooks.deliveries.get(webhook_id, delivery_id),
            DELIVERY_COLUMNS,
        )
        return
    list_page(
        ctx,
        out,
        lambda sdk, size: sdk.webhooks.deliveries.list(
            webhook_id,
            status=status.value if status else None,
            event_type=event_type,
            limit=size,
        ),
        DELIVERY_COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No deliveries.",
        spinner="Fetching deliveries…",
    )


@app.command("redeliver")
def redeliver(
    ctx: typer.Context,
    webhook_id: WebhookId,
    delivery_id: DeliveryId,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Send a delivery again now (same body and webhook-id), then retry it as usual."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        change(
            out,
            action=f"redeliver delivery {delivery_id} of webhook endpoint {webhook_id}",
            fetch=lambda: sdk.webhooks.deliveries.get(webhook_id, delivery_id),
            after=lambda before: {**before, "status": "pending"},
            call=lambda: sdk.webhooks.deliveries.redeliver(webhook_id, delivery_id),
            spinner="Queueing…",
            show=lambda delivery: out.one(delivery, DELIVERY_COLUMNS),
            dry_run=dry_run,
        )
