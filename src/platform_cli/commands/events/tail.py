"""`platform events tail`: follow events live."""

from __future__ import annotations

from typing import Annotated, Any

from platform_cli.commands.events.list import COLUMNS, TypeOption
from platform_cli.params import opt
from platform_cli.refs import check_id
from platform_cli.verbs import Session, verb


@verb()
def tail(
    session: Session,
    types: TypeOption = None,
    after: Annotated[
        str | None,
        opt(
            "--after", help="Start after this event id (replays what came since).", parser=check_id
        ),
    ] = None,
    count: Annotated[
        int | None, opt("--count", "-n", min=1, help="Stop after this many events.")
    ] = None,
) -> None:
    """Follow events live as they happen (Ctrl-C stops).

    With -o json (or jsonl) each event is one JSON line, for piping into jq or a script.
    A dropped connection is resumed where it left off."""
    out = session.out
    seen = 0
    sdk = session.sdk
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

    if out.shape is not None and (out.shape.format or out.shape.fields):
        out.one(event, COLUMNS)  # --jq, --template or --columns: event by event
        return
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
