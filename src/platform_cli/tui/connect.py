"""An ``AsyncClient`` for a profile, built exactly like the CLI's ``Connection.client()``:
same server URL, same stored credential, and refreshed tokens saved the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from platform_cli.client import Connection
    from platform_sdk import AsyncClient


def async_client(conn: Connection, *, timeout: float = 30.0) -> AsyncClient:
    """An async SDK client signed in with the profile's credential (exit code 4 without one).

    A refreshed session token is stored through the connection, as the CLI does, so the
    CLI and the dashboard keep using one session.
    """
    from platform_sdk import AsyncClient

    credential = conn.require_credential()
    kwargs: dict[str, Any] = {}
    if credential.kind == "api_key":
        kwargs["api_key"] = credential.api_key
    else:
        kwargs["access_token"] = credential.access_token
        kwargs["refresh_token"] = credential.refresh_token
    return AsyncClient(
        base_url=conn.base_url,
        timeout=timeout,
        on_tokens_refreshed=conn._persist,
        **kwargs,
    )
