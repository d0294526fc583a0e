"""`platform auth reset-password`: ask for a reset code by email, then set a new password."""

from __future__ import annotations

from typing import Annotated

from platform_cli.context import PasswordStdinOption, ask_secret
from platform_cli.params import opt
from platform_cli.verbs import Session, verb


@verb(authenticated=False)
def reset_password(
    session: Session,
    email: Annotated[
        str | None, opt("--email", "-e", help="Email a reset code to this address.")
    ] = None,
    token: Annotated[
        str | None, opt("--token", help="The code from the reset email: set a new password.")
    ] = None,
    password_stdin: PasswordStdinOption = False,
) -> None:
    """Forgot your password? `--email ADDRESS` emails a code (valid 30 minutes by default);
    `--token CODE` then sets a new password (prompted, hidden) and signs you out everywhere."""
    from platform_cli.commands.auth.verify_email import code_or_ask

    out = session.out
    sdk = session.sdk
    usage = "give either --email (ask for a code) or --token (set the password)"
    token = code_or_ask(session, token, email, sdk.auth.request_password_reset, usage)
    if token is None:
        return
    password = ask_secret("new password", from_stdin=password_stdin, confirmation=True)
    with out.spinner("Setting the password…"):
        sdk.auth.confirm_password_reset(token, password)
    out.done(
        "Password changed; every session of the account was signed out. Sign in again.",
        {"password_changed": True},
    )
