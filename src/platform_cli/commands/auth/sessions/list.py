"""`platform auth sessions list`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from platform_cli.context import columns
from platform_cli.verbs import listing

if TYPE_CHECKING:
    from platform_sdk import Client

COLUMNS = columns(
    "ID=id:id, CURRENT=current:bool, MFA=mfa:bool, USER AGENT=user_agent, IP=ip_address, "
    "CREATED=created_at:time, LAST USED=last_used_at:time, EXPIRES=expires_at:time, "
    "REVOKED=revoked_at:time"
)


@listing(COLUMNS, empty="No sessions.", spinner="Fetching sessions…")
def list_sessions(sdk: Client, size: int) -> Iterable[Any]:
    """List your sessions; CURRENT marks the one of this credential, MFA those whose
    sign-in passed a second factor."""
    return sdk.auth.sessions.list(limit=size)
