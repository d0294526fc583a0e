"""`platform users create`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.commands.users.options import COLUMNS, Role, validate_user_fields
from platform_cli.context import check_fields, prompt_secret, read_secret_stdin
from platform_cli.verbs import Session, verb


@verb(dry_run=True)
def create(
    session: Session,
    email: Annotated[str, typer.Option("--email", "-e", help="Email (unique).")],
    name: Annotated[str, typer.Option("--name", "-n", help="Display name.")],
    role: Annotated[
        Role | None, typer.Option(help="Role (admins only; default customer).", show_default=False)
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from stdin (else prompted)."),
    ] = False,
) -> None:
    """Create a user."""
    out = session.out
    password = (
        read_secret_stdin("password")
        if password_stdin
        else prompt_secret("Password", confirmation=True)
    )
    request: dict[str, Any] = {"email": email, "name": name, "role": role}
    if session.dry_run:
        check_fields(validate_user_fields(email=email, name=name, password=password))
        out.dry_run("create a user", request={**request, "password": "***"})
        return
    sdk = session.sdk
    with out.spinner("Creating…"):
        user = sdk.users.create(email=email, name=name, password=password, role=role)
    out.one(user, COLUMNS)
