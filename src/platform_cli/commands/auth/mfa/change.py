"""`platform auth mfa disable` and `platform auth mfa recovery-codes`."""

from __future__ import annotations

from platform_cli.commands.auth.mfa.common import CodeOption, ask_code, show_recovery_codes
from platform_cli.verbs import Session, verb


@verb()
def disable(session: Session, code: CodeOption = None) -> None:
    """Turn off two-factor sign-in, with a current code (or a recovery code)."""
    proof = ask_code(code)
    with session.out.spinner("Turning two-factor sign-in off…"):
        session.sdk.auth.mfa.disable(code=proof)
    session.out.done("Two-factor sign-in is off.", {"enabled": False})


@verb()
def recovery_codes(session: Session, code: CodeOption = None) -> None:
    """New recovery codes, shown once (the old ones stop working); needs a current code."""
    proof = ask_code(code)
    with session.out.spinner("Replacing the recovery codes…"):
        codes = session.sdk.auth.mfa.recovery_codes(code=proof).recovery_codes
    show_recovery_codes(session.out, codes)
