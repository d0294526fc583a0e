"""`platform api-keys create`: the secret is printed once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from platform_cli.commands.api_keys.list import COLUMNS
from platform_cli.context import TIME_FORMATS, Column, as_utc, check_fields
from platform_cli.params import opt
from platform_cli.verbs import Session, verb

_KEY_COLUMN = [Column("KEY", "key")]


@verb(dry_run=True)
def create(
    session: Session,
    name: Annotated[str, typer.Option("--name", "-n", help="What the key is for.")],
    scope: Annotated[
        list[str] | None,
        opt(
            "--scope",
            "-s",
            help="A scope to grant (repeatable). Default: asked on a terminal, else "
            "read-only (the :read scopes of yours).",
        ),
    ] = None,
    expires_at: Annotated[
        datetime | None,
        opt("--expires-at", help="Expiry (ISO 8601, UTC if no offset).", formats=TIME_FORMATS),
    ] = None,
) -> None:
    """Create a key; the secret is printed once, store it now.

    Without --scope, a terminal shows a checklist of scopes; a script gets a read-only key.
    """
    from datetime import UTC

    from platform_cli import terminal
    from platform_cli.commands.api_keys import scopes

    out = session.out
    expires_at = as_utc(expires_at)
    unknown = [s for s in scope or [] if s not in scopes.SCOPES]
    if unknown:
        from platform_cli.errors import UsageError

        raise UsageError(
            f"unknown scope {', '.join(unknown)}; scopes are: {', '.join(scopes.SCOPES)}"
        )
    if not scope and terminal.stdin_is_tty() and not session.dry_run:
        scope = scopes.ask()
    if session.dry_run:
        errors = []
        if not 1 <= len(name) <= 255:
            errors.append(("body.name", "must be 1-255 characters"))
        if expires_at is not None and expires_at <= datetime.now(UTC):
            errors.append(("body.expires_at", "must be in the future"))
        check_fields(errors)
        out.dry_run(
            "create an API key",
            request={
                "name": name,
                "scopes": scope or None,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
        return
    sdk = session.sdk
    with out.spinner("Creating…"):
        created = sdk.api_keys.create(name=name, scopes=scope or None, expires_at=expires_at)
    from platform_cli.errors import register_secret

    register_secret(created.key)
    out.one(created, [*COLUMNS, *_KEY_COLUMN])
    if out.format == "table":
        out.warn("this is the only time the key is shown; store it now.")
        if not scope:
            out.info("The key is read-only; grant more with --scope (repeatable).")
