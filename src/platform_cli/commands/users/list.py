"""`platform users list`, `me` and `get`: reading users."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from platform_cli.commands.users.options import COLUMNS, Role, Status, UserId, resolve_id
from platform_cli.context import only_option, query_option
from platform_cli.verbs import listing, option, showing

if TYPE_CHECKING:
    from platform_sdk import Client


@listing(
    COLUMNS,
    empty="No users.",
    spinner="Fetching users…",
    filters=[
        option("role", only_option(Role, "role")),
        option("status", only_option(Status)),
        option("query", query_option("Email or name contains.")),
    ],
)
def list_users(sdk: Client, size: int, **filters: Any) -> Iterable[Any]:
    """List users, newest first (staff and admins)."""
    return sdk.users.list(
        role=filters["role"], status=filters["status"], q=filters["query"], limit=size
    )


@showing(COLUMNS)
def me(sdk: Client) -> Any:
    """Show the signed-in user."""
    return sdk.users.me()


@showing(COLUMNS)
def get(sdk: Client, user_id: UserId) -> Any:
    """Show one user."""
    return sdk.users.get(resolve_id(sdk, user_id))
