"""`platform auth sessions revoke`."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.refs import check_id
from platform_cli.verbs import Change, Session, changing, revoke_own


@changing(confirm=True)
def revoke(
    session: Session,
    session_id: Annotated[
        str, typer.Argument(help="Session id (see `platform auth sessions list`).", parser=check_id)
    ],
) -> Change:
    """Sign a session out (its refresh token stops working)."""
    return revoke_own(session.sdk.auth.sessions, "session", session_id)
