"""`platform auth sessions revoke`."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.actions import find_listed
from platform_cli.refs import check_id
from platform_cli.verbs import Change, Session, changing


@changing(confirm=True)
def revoke(
    session: Session,
    session_id: Annotated[
        str, typer.Argument(help="Session id (see `platform auth sessions list`).", parser=check_id)
    ],
) -> Change:
    """Sign a session out (its refresh token stops working)."""
    sessions = session.sdk.auth.sessions
    return Change(
        action=f"revoke session {session_id}",
        fetch=lambda: find_listed(
            sessions.list(limit=100),
            session_id,
            f"session {session_id} does not exist (or is not yours)",
        ),
        call=lambda: sessions.revoke(session_id),
        spinner="Revoking…",
        done=f"Revoked session {session_id}.",
        record={"id": session_id, "revoked": True},
    )
