"""What the verbs of `platform webhooks` share: columns, option specs and local checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from platform_cli.context import Column, columns
from platform_cli.params import arg, opt
from platform_cli.refs import check_id

if TYPE_CHECKING:
    from platform_cli.output import Output


DeliveryStatus = Literal["pending", "succeeded", "failed"]


WebhookId = Annotated[str, arg(help="Webhook endpoint id.", parser=check_id)]
DeliveryId = Annotated[str, arg(help="Delivery id.", parser=check_id)]
EventOption = Annotated[
    list[str] | None,
    opt("--event", "-e", help='An event type such as order.paid (repeatable), or "*" for all.'),
]

COLUMNS = columns(
    "ID=id:id, URL=url, EVENTS=events:list, ACTIVE=active:bool, "
    "FAILING SINCE=failing_since:time, CREATED=created_at:time"
)

DELIVERY_COLUMNS = columns(
    "ID=id:id, EVENT=event_type, STATUS=status:status, ATTEMPTS=attempts, "
    "CODE=response_code, NEXT ATTEMPT=next_attempt_at:time, CREATED=created_at:time"
)

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


def show_secret(out: Output, result: Any, columns: list[Column]) -> None:
    from platform_cli.errors import register_secret

    register_secret(result.secret)
    out.one(result, [*columns, *_SECRET_COLUMN])
    if out.format == "table" and result.secret:
        out.warn(SHOWN_ONCE)
