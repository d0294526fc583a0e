"""`platform auth verify-email TOKEN`: prove you own your address with the emailed code."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.verbs import Session, verb


@verb(authenticated=False)
def verify_email(
    session: Session,
    token: Annotated[
        str | None,
        typer.Argument(help="The code from the verification email.", show_default=False),
    ] = None,
    resend: Annotated[
        str | None,
        typer.Option(
            "--resend",
            metavar="EMAIL",
            help="Send a new verification email to EMAIL instead.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Verify your email address with the code from the email (single use, expires)."""
    from platform_cli.errors import UsageError, register_secret

    if (token is None) == (resend is None):
        raise UsageError("give the TOKEN from the email, or --resend EMAIL for a new one")
    out = session.out
    sdk = session.sdk
    if resend is not None:
        with out.spinner("Asking…"):
            accepted = sdk.auth.resend_verification(resend)
        out.done(accepted.detail, {"email": resend, "detail": accepted.detail})
        return
    assert token is not None
    register_secret(token)  # never echoed back in an error
    with out.spinner("Verifying…"):
        sdk.auth.verify_email(token)
    out.done("Email address verified.", {"verified": True})
