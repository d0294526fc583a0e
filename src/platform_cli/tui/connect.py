"""An ``AsyncClient`` for a profile, built exactly like the CLI's ``Connection.client()``:
same server URL, same stored credential, and refreshed tokens saved the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platform_cli.client import Connection
    from platform_sdk import AsyncClient


def async_client(conn: Connection, *, timeout: float = 30.0) -> AsyncClient:
    """An async SDK client signed in with the profile's credential (exit code 4 without one).

    A refreshed session token is stored through the connection, as the CLI does, so the
    CLI and the dashboard keep using one session.
    """
    from platform_sdk import AsyncClient

    options = conn.client_options(conn.require_credential(), program="platform-tui")
    return AsyncClient(timeout=timeout, **options)
