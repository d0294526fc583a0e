"""`platform api-keys list` and `revoke`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.actions import find_listed
from platform_cli.context import columns
from platform_cli.refs import check_id
from platform_cli.verbs import Change, Session, changing, listing

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
    api_keys = session.sdk.api_keys
    return Change(
        action=f"revoke API key {key_id}",
        fetch=lambda: find_listed(
            api_keys.list(limit=100), key_id, f"API key {key_id} does not exist (or is not yours)"
        ),
        call=lambda: api_keys.revoke(key_id),
        spinner="Revoking…",
        done=f"Revoked API key {key_id}.",
        record={"id": key_id, "revoked": True},
    )
