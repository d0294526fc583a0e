"""`platform users create`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from platform_cli.commands.users.options import COLUMNS, Role, validate_user_fields
from platform_cli.context import PasswordStdinOption, ask_secret, check_fields
from platform_cli.params import opt
from platform_cli.verbs import Session, verb


@verb(dry_run=True)
def create(
    session: Session,
    email: Annotated[str, typer.Option("--email", "-e", help="Email (unique).")],
    name: Annotated[str, typer.Option("--name", "-n", help="Display name.")],
    role: Annotated[Role | None, opt(help="Role (admins only; default customer).")] = None,
    password_stdin: PasswordStdinOption = False,
) -> None:
    """Create a user (as an admin: the user, verified). To sign up, use `users register`."""
    out = session.out
    password = ask_secret("password", from_stdin=password_stdin, confirmation=True)
    request: dict[str, Any] = {"email": email, "name": name, "role": role}
    if session.dry_run:
        check_fields(validate_user_fields(email=email, name=name, password=password))
        out.dry_run("create a user", request={**request, "password": "***"})
        return
    sdk = session.sdk
    with out.spinner("Creating…"):
        user = sdk.users.create(email=email, name=name, password=password, role=role)
    out.one(user, COLUMNS)


@verb(authenticated=False)
def register(
    session: Session,
    email: Annotated[str, typer.Option("--email", "-e", help="Your email.")],
    name: Annotated[str, typer.Option("--name", "-n", help="Your display name.")],
    password_stdin: PasswordStdinOption = False,
) -> None:
    """Sign up: a verification email follows (the same answer whether or not the email
    already has an account)."""
    out = session.out
    password = ask_secret("password", from_stdin=password_stdin, confirmation=True)
    with out.spinner("Signing up…"):
        accepted = session.sdk.users.register(email=email, name=name, password=password)
    out.done(accepted.detail, {"email": email, "detail": accepted.detail})
