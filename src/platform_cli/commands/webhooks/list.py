"""`platform webhooks list` and `get`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

from platform_cli.commands.webhooks.options import COLUMNS, WebhookId
from platform_cli.params import opt
from platform_cli.verbs import listing, showing

if TYPE_CHECKING:
    from platform_sdk import Client


@listing(COLUMNS, empty="No webhook endpoints.", spinner="Fetching webhook endpoints…")
def list_webhooks(
    sdk: Client,
    size: int,
    active: Annotated[
        bool | None, opt("--active/--disabled", help="Only enabled (or disabled) ones.")
    ] = None,
) -> Iterable[Any]:
    """List webhook endpoints, newest first (never their secrets)."""
    return sdk.webhooks.list(active=active, limit=size)


@showing(COLUMNS)
def get(sdk: Client, webhook_id: WebhookId) -> Any:
    """Show one endpoint (why it was disabled, since when it fails)."""
    return sdk.webhooks.get(webhook_id)
