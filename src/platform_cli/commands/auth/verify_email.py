"""`platform auth verify-email TOKEN`: prove you own your address with the emailed code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from platform_cli.params import arg, opt
from platform_cli.verbs import Session, verb


def code_or_ask(
    session: Session, code: str | None, email: str | None, ask: Callable[[str], object], usage: str
) -> str | None:
    """Exactly one of an emailed `code` (returned, masked in errors from now on) or an
    `email` to send one to (asked with `ask`: prints the server's sentence, the same
    whatever the address, and returns None)."""
    from platform_cli.errors import UsageError, register_secret

    if (code is None) == (email is None):
        raise UsageError(usage)
    if code is not None:
        register_secret(code)  # never echoed back in an error
        return code
    assert email is not None
    with session.out.spinner("Asking…"):
        accepted = ask(email)
    detail = str(getattr(accepted, "detail", ""))
    session.out.done(detail, {"email": email, "detail": detail})
    return None


@verb(authenticated=False)
def verify_email(
    session: Session,
    token: Annotated[str | None, arg(help="The code from the verification email.")] = None,
    resend: Annotated[
        str | None,
        opt("--resend", metavar="EMAIL", help="Send a new verification email to EMAIL instead."),
    ] = None,
) -> None:
    """Verify your email address with the code from the email (single use, expires)."""
    sdk = session.sdk
    usage = "give the TOKEN from the email, or --resend EMAIL for a new one"
    token = code_or_ask(session, token, resend, sdk.auth.resend_verification, usage)
    if token is None:
        return
    with session.out.spinner("Verifying…"):
        sdk.auth.verify_email(token)
    session.out.done("Email address verified.", {"verified": True})
