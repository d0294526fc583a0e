"""`platform events …`: mirrors ``client.events`` of the SDK."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from platform_cli.actions import list_page, show_one
from platform_cli.context import (
    TIME_FORMATS,
    AllOption,
    Column,
    LimitOption,
    OutputOption,
    as_utc,
    client,
    output,
)

app = typer.Typer(
    help="Domain events (staff): list them, show one, or follow them live.",
    no_args_is_help=True,
)

COLUMNS = [
    Column("ID", "id", "id"),
    Column("TYPE", "type"),
    Column("RESOURCE", "resource_id", "id"),
    Column("ACTOR", "actor.email"),
    Column("CREATED", "created_at", "time"),
]

TypeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--type", "-t", help="Only this event type (repeat for several).", show_default=False
    ),
]


@app.command("list")
def list_events(
    ctx: typer.Context,
    types: TypeOption = None,
    resource_id: Annotated[
        str | None,
        typer.Option("--resource", help="Only events of this resource id.", show_default=False),
    ] = None,
    created_after: Annotated[
        datetime | None,
        typer.Option(
            "--created-after",
            help="At or after (ISO 8601, UTC if no offset).",
            formats=TIME_FORMATS,
            show_default=False,
        ),
    ] = None,
    created_before: Annotated[
        datetime | None,
        typer.Option(
            "--created-before",
            help="Before (ISO 8601, UTC if no offset).",
            formats=TIME_FORMATS,
            show_default=False,
        ),
    ] = None,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List events, newest first."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.events.list(
            type=types or None,
            resource_id=resource_id,
            created_after=as_utc(created_after),
            created_before=as_utc(created_before),
            limit=size,
        ),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No events.",
        spinner="Fetching events…",
    )


@app.command("get")
def get(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(help="Event id.", show_default=False)],
    fmt: OutputOption = None,
) -> None:
    """Show one event with its data."""
    show_one(ctx, output(ctx, fmt), lambda sdk: sdk.events.get(event_id), COLUMNS)


@app.command("tail")
def tail(
    ctx: typer.Context,
    types: TypeOption = None,
    after: Annotated[
        str | None,
        typer.Option(
            "--after",
            help="Start after this event id (replays what came since).",
            show_default=False,
        ),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option(
            "--count", "-n", min=1, help="Stop after this many events.", show_default=False
        ),
    ] = None,
    fmt: OutputOption = None,
) -> None:
    """Follow events live as they happen (Ctrl-C stops).

    With -o json (or jsonl) each event is one JSON line, for piping into jq or a script.
    A dropped connection is resumed where it left off."""
    out = output(ctx, fmt)
    seen = 0
    with client(ctx) as sdk:
        if out.format == "table":
            out.info("Following events… (Ctrl-C to stop)")
        try:
            for event in sdk.events.stream(type=types or None, last_event_id=after):
                _print_event(out, event)
                seen += 1
                if count is not None and seen >= count:
                    break
        except KeyboardInterrupt:
            pass


def _print_event(out: Any, event: Any) -> None:
    import json

    if out.format in {"json", "jsonl"}:
        out.write(json.dumps(event.model_dump(mode="json"), separators=(",", ":")) + "\n")
        return
    if out.format in {"yaml", "csv"}:
        out.many([event], COLUMNS)
        return
    actor = event.actor.email if event.actor else "system"
    when = event.created_at.strftime("%H:%M:%S")
    resource = f"{event.resource_type}:{event.resource_id}"
    if out.rich:
        line = f"[dim]{when}[/dim]  [bold cyan]{event.type:<20}[/bold cyan] {resource}"
        out.console().print(f"{line}  [dim]{actor}[/dim]", highlight=False)
    else:
        out.write(f"{when}  {event.type:<20} {resource}  {actor}\n")
