"""What the MFA verbs and `platform login` share: asking for a code, showing a QR code
and recovery codes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Annotated

import typer

from platform_cli.params import opt

if TYPE_CHECKING:
    from platform_cli.output import Output

CodeOption = Annotated[
    str | None,
    opt(
        "--code",
        help="A code from your authenticator app (or a recovery code); prompted for when omitted.",
    ),
]


def ask_code(code: str | None, label: str = "Code from your authenticator app") -> str:
    """`code`, or one typed at the terminal."""
    from platform_cli import terminal
    from platform_cli.errors import UsageError, register_secret

    if code is None:
        if not terminal.stdin_is_tty():
            raise UsageError("a code is needed; pass --code")
        code = str(typer.prompt(label, err=True)).strip()
    register_secret(code)
    return code


def qr_code(text: str) -> str:
    """`text` as a QR code of Unicode half blocks, for a terminal."""
    import segno

    buffer = io.StringIO()
    segno.make(text, error="m").terminal(out=buffer, compact=True)
    return buffer.getvalue()


def say(out: Output, text: str) -> None:
    """Text for a person: on stdout for tables, on stderr beside -o json or yaml."""
    if out.format == "table":
        out.write(text + "\n")
    else:
        out.info(text)


def show_recovery_codes(out: Output, codes: list[str]) -> None:
    if out.format != "table":
        out.one({"recovery_codes": codes})
        return
    out.write(
        "Recovery codes (each signs in once; store them somewhere safe, they are not "
        "shown again):\n"
    )
    out.write("".join(f"  {code}\n" for code in codes))
