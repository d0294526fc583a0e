"""`platform auth mfa enable`."""

from __future__ import annotations

from platform_cli.commands.auth.mfa.common import (
    CodeOption,
    ask_code,
    qr_code,
    say,
    show_recovery_codes,
)
from platform_cli.verbs import Session, verb


@verb()
def enable(session: Session, code: CodeOption = None) -> None:
    """Turn on two-factor sign-in: a QR code to scan, a first code, recovery codes.

    Scan the QR code (or enter the URI or secret) in an authenticator app, type its
    first code, and keep the recovery codes, shown this once.
    """
    from platform_cli.errors import register_secret

    out, mfa = session.out, session.sdk.auth.mfa
    with out.spinner("Enrolling…"):
        enrollment = mfa.enroll()
    register_secret(enrollment.secret)
    say(out, qr_code(enrollment.provisioning_uri))
    say(out, "Scan the QR code with an authenticator app, or add this URI to it:")
    say(out, f"  {enrollment.provisioning_uri}")
    say(out, f"(secret: {enrollment.secret})")
    first = ask_code(code, "First code from the app")
    with out.spinner("Confirming…"):
        codes = mfa.confirm(code=first).recovery_codes
    if out.format != "table":
        out.one(
            {
                "enabled": True,
                "provisioning_uri": enrollment.provisioning_uri,
                "recovery_codes": codes,
            }
        )
        return
    out.done("Two-factor sign-in is on.", {})
    show_recovery_codes(out, codes)
