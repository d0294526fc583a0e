"""`platform api-keys list` and `revoke`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.context import columns
from platform_cli.refs import check_id
from platform_cli.verbs import Change, Session, changing, listing, revoke_own

if TYPE_CHECKING:
    from platform_sdk import Client

COLUMNS = columns(
    "ID=id:id, NAME=name, PREFIX=prefix, SCOPES=scopes:list, EXPIRES=expires_at:time, "
    "LAST USED=last_used_at:time, CREATED=created_at:time"
)


@listing(COLUMNS, empty="No API keys.", spinner="Fetching API keys…")
def list_keys(sdk: Client, size: int) -> Iterable[Any]:
    """List your API keys (never their secrets)."""
    return sdk.api_keys.list(limit=size)


@changing(confirm=True)
def revoke(
    session: Session,
    key_id: Annotated[
        str, typer.Argument(help="Key id (see `platform api-keys list`).", parser=check_id)
    ],
) -> Change:
    """Revoke an API key; it stops working at once."""
    return revoke_own(session.sdk.api_keys, "API key", key_id)
