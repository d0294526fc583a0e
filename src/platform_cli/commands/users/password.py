"""`platform users set-password`."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.commands.users.options import UserId, validate_user_fields
from platform_cli.context import ask_secret, check_fields
from platform_cli.verbs import Session, verb


@verb(dry_run=True)
def set_password(
    session: Session,
    user_id: UserId,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the new password from stdin, then (for your own account) the current "
            "password on the next line.",
        ),
    ] = False,
) -> None:
    """Set a user's password (your own needs the current one); revokes other sessions."""
    out, sdk = session.out, session.sdk
    me_id = str(sdk.users.me().id)
    target = me_id if user_id == "me" else user_id
    own = target == me_id
    new = ask_secret("new password", from_stdin=password_stdin, confirmation=True)
    current = ask_secret("current password", from_stdin=password_stdin) if own else None
    if session.dry_run:
        check_fields(validate_user_fields(password=new))
        out.dry_run(
            f"set the password of user {target}",
            request={
                "user_id": target,
                "new_password": "***",
                "current_password": "***" if current else None,
            },
        )
        return
    with out.spinner("Saving…"):
        sdk.users.change_password(target, new_password=new, current_password=current)
    out.done(f"Password of user {target} changed.", {"id": target, "password_changed": True})
