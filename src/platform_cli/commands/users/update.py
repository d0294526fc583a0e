"""`platform users update|suspend|activate|set-role`: a PATCH of some fields."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.commands.users import options
from platform_cli.context import check_fields
from platform_cli.params import opt
from platform_cli.verbs import Change, Session, changing


def _patch(session: Session, user_id: str, changes: dict[str, Any], action: str) -> Change:
    """A before/after diff on dry runs, else a PATCH of the fields given."""
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        from platform_cli.errors import UsageError

        raise UsageError("nothing to change: give at least one of the options")
    check_fields(options.validate_user_fields(email=changes.get("email"), name=changes.get("name")))
    sdk = session.sdk
    target = options.resolve_id(sdk, user_id)
    return Change(
        action=f"{action} user {target}",
        fetch=lambda: sdk.users.get(target),
        after=lambda before: {**before, **changes},
        call=lambda: sdk.users.update(target, **changes),
        columns=options.COLUMNS,
    )


@changing()
def update(
    session: Session,
    user_id: options.UserId,
    name: Annotated[str | None, opt("--name", "-n")] = None,
    email: Annotated[str | None, opt("--email", "-e")] = None,
) -> Change:
    """Change a user's name or email (see also suspend, activate, set-role)."""
    return _patch(session, user_id, {"name": name, "email": email}, "update")


@changing(confirm=True)
def suspend(session: Session, user_id: options.UserId) -> Change:
    """Suspend a user: it cannot log in and its tokens and keys stop working (admins)."""
    return _patch(session, user_id, {"status": "suspended"}, "suspend")


@changing()
def activate(session: Session, user_id: options.UserId) -> Change:
    """Re-activate a suspended user (admins)."""
    return _patch(session, user_id, {"status": "active"}, "activate")


@changing(confirm=True)
def set_role(
    session: Session,
    user_id: options.UserId,
    role: Annotated[options.Role, typer.Argument(help="admin, staff or customer.")],
) -> Change:
    """Change a user's role (admins)."""
    return _patch(session, user_id, {"role": role}, f"make {role}")
