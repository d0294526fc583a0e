"""`platform audit list` and `get`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

from platform_cli.context import TIME_FORMATS, as_utc, columns
from platform_cli.params import arg, opt
from platform_cli.refs import check_id
from platform_cli.verbs import listing, showing

if TYPE_CHECKING:
    from platform_sdk import Client

COLUMNS = columns(
    "ID=id:id, WHEN=created_at:time, ACTOR=actor_email, ACTION=action, "
    "TARGET_TYPE=target_type, TARGET=target_id:id, IP=ip"
)

_RELATIVE = re.compile(r"^(\d{1,6})([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

AgeOption = Annotated[
    str | None, opt(help="ISO 8601 (UTC without an offset), or an age such as 30m, 2h, 7d.")
]


def parse_time(value: str | None, option: str) -> datetime | None:
    """``--since``/``--until``: an ISO 8601 time, or an age (``90s``, ``30m``, ``2h``, ``7d``)."""
    from datetime import UTC, timedelta

    from platform_cli.errors import UsageError

    if value is None:
        return None
    text = value.strip()
    age = _RELATIVE.match(text)
    if age:
        return datetime.now(UTC) - timedelta(**{_UNITS[age.group(2)]: int(age.group(1))})
    for fmt in TIME_FORMATS:
        try:
            return as_utc(datetime.strptime(text, fmt))
        except ValueError:
            continue
    try:
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        raise UsageError(
            f"{option} takes an ISO 8601 time (2026-01-31T12:00:00) or an age such as 2h, "
            f"got {value!r}"
        ) from None


def resolve_actor(sdk: Client, actor: str | None) -> str | None:
    """``--actor``: a user id as given, or the id of the user with this email."""
    if actor is None or not _EMAIL.match(actor.strip()):
        return actor
    from platform_cli.errors import NotFound

    email = actor.strip().lower()
    for user in sdk.users.list(q=email, limit=100):
        if user.email.lower() == email:
            return str(user.id)
    raise NotFound(f"No user has the email {actor}.")


def _times(args: dict[str, Any]) -> dict[str, Any]:
    since, until = parse_time(args["since"], "--since"), parse_time(args["until"], "--until")
    return {**args, "since": since, "until": until}


@listing(COLUMNS, empty="No audit records.", spinner="Fetching the audit trail…", prepare=_times)
def list_records(
    sdk: Client,
    size: int,
    actor: Annotated[
        str | None, opt("--actor", help="Only this actor: a user id or email.")
    ] = None,
    action: Annotated[
        str | None,
        opt("--action", help="An action (order.ship) or a prefix of whole parts (order)."),
    ] = None,
    target_type: Annotated[
        str | None, opt("--target-type", help="e.g. user, product, order.")
    ] = None,
    target: Annotated[str | None, opt("--target", help="The target's id.")] = None,
    since: AgeOption = None,
    until: AgeOption = None,
) -> Iterable[Any]:  # since and until: parsed by _times
    """List audit records, newest first (admins)."""
    return sdk.audit.list(
        actor_id=resolve_actor(sdk, actor),
        action=action,
        target_type=target_type,
        target_id=target,
        created_after=cast("datetime | None", since),
        created_before=cast("datetime | None", until),
        limit=size,
    )


@showing(COLUMNS)
def get(
    sdk: Client, record_id: Annotated[str, arg(help="Audit record id.", parser=check_id)]
) -> Any:
    """Show one audit record with its changes."""
    return sdk.audit.get(record_id)
