"""`platform notifications …`: mirrors ``client.notifications`` of the SDK."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from platform_cli.actions import change, list_page, show_one
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

app = typer.Typer(
    help="Emails and SMS sent to customers and admins; retry failed ones (staff).",
    no_args_is_help=True,
)


class Status(StrEnum):
    queued = "queued"
    sent = "sent"
    failed = "failed"


class Channel(StrEnum):
    email = "email"
    sms = "sms"


NotificationId = Annotated[str, typer.Argument(help="Notification id.", show_default=False)]


COLUMNS = [
    Column("ID", "id", "id"),
    Column("CHANNEL", "channel"),
    Column("TO", "recipient"),
    Column("TEMPLATE", "template"),
    Column("STATUS", "status", "status"),
    Column("ATTEMPTS", "attempts"),
    Column("CREATED", "created_at", "time"),
]

DETAIL_COLUMNS = [
    Column("id", "id", "id"),
    Column("channel", "channel"),
    Column("recipient", "recipient"),
    Column("template", "template"),
    Column("subject", "subject"),
    Column("status", "status", "status"),
    Column("attempts", "attempts"),
    Column("last_error", "last_error"),
    Column("event_id", "event_id", "id"),
    Column("user_id", "user_id", "id"),
    Column("created_at", "created_at", "time"),
    Column("sent_at", "sent_at", "time"),
    Column("next_attempt_at", "next_attempt_at", "time"),
    Column("body_text", "body_text"),
]


@app.command("list")
def list_notifications(
    ctx: typer.Context,
    status: Annotated[
        Status | None, typer.Option(help="Only this status.", show_default=False)
    ] = None,
    channel: Annotated[
        Channel | None, typer.Option(help="Only this channel.", show_default=False)
    ] = None,
    user_id: Annotated[
        str | None,
        typer.Option("--user", "--user-id", help="Only this user's (staff).", show_default=False),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(help="Only this template, e.g. order_created.", show_default=False),
    ] = None,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List notifications, newest first: your own, or everyone's for staff."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.notifications.list(
            status=status.value if status else None,
            channel=channel.value if channel else None,
            user_id=user_id,
            template=template,
            limit=size,
        ),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No notifications.",
        spinner="Fetching notifications…",
    )


@app.command("get")
def get(ctx: typer.Context, notification_id: NotificationId, fmt: OutputOption = None) -> None:
    """Show one notification with its text."""
    show_one(
        ctx,
        output(ctx, fmt),
        lambda sdk: sdk.notifications.get(notification_id),
        DETAIL_COLUMNS,
    )


@app.command("retry")
def retry(
    ctx: typer.Context,
    notification_id: NotificationId,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Send a failed (or queued) notification again now (staff); a sent one is refused."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        change(
            out,
            action=f"retry notification {notification_id}",
            fetch=lambda: sdk.notifications.get(notification_id),
            after=lambda before: {**before, "status": "queued", "last_error": None},
            call=lambda: sdk.notifications.retry(notification_id),
            show=lambda notification: out.one(notification, DETAIL_COLUMNS),
            yes=yes,
            dry_run=dry_run,
            spinner="Retrying…",
        )
