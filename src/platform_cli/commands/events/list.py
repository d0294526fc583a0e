"""`platform events list` and `get`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

from platform_cli.context import as_utc, columns, time_option
from platform_cli.params import arg, opt
from platform_cli.refs import check_id
from platform_cli.verbs import listing, option, showing

if TYPE_CHECKING:
    from platform_sdk import Client

COLUMNS = columns(
    "ID=id:id, TYPE=type, RESOURCE=resource_id:id, ACTOR=actor.email, CREATED=created_at:time"
)

TypeOption = Annotated[
    list[str] | None, opt("--type", "-t", help="Only this event type (repeat for several).")
]

FILTERS = [
    option("created_after", time_option("--created-after", "At or after")),
    option("created_before", time_option("--created-before", "Before")),
]


@listing(COLUMNS, empty="No events.", spinner="Fetching events…", filters=FILTERS)
def list_events(
    sdk: Client,
    size: int,
    types: TypeOption = None,
    resource_id: Annotated[
        str | None, opt("--resource", help="Only events of this resource id.", parser=check_id)
    ] = None,
    **filters: Any,
) -> Iterable[Any]:
    """List events, newest first."""
    return sdk.events.list(
        type=types or None,
        resource_id=resource_id,
        created_after=as_utc(filters["created_after"]),
        created_before=as_utc(filters["created_before"]),
        limit=size,
    )


@showing(COLUMNS)
def get(sdk: Client, event_id: Annotated[str, arg(help="Event id.", parser=check_id)]) -> Any:
    """Show one event with its data."""
    return sdk.events.get(event_id)
