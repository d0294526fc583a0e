"""`platform login`: sign in and store the credential."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.commands.auth.mfa.common import CodeOption
from platform_cli.context import (
    OutputOption,
    PasswordStdinOption,
    ask_secret,
    connection,
    output,
    read_secret_stdin,
)
from platform_cli.params import opt


def login(
    ctx: typer.Context,
    email: Annotated[
        str | None, typer.Option("--email", "-e", help="Prompted for when omitted.")
    ] = None,
    password_stdin: PasswordStdinOption = False,
    api_key: Annotated[
        str | None,
        opt(
            "--api-key",
            help="Use an API key instead of a password; pass `-` and pipe the key on stdin.",
        ),
    ] = None,
    base_url: Annotated[
        str | None, opt("--base-url", help="Server URL, saved in the profile.")
    ] = None,
    insecure_storage: Annotated[
        bool,
        typer.Option(
            "--insecure-storage",
            help="Without a working OS keyring, store the credential in a 0600 file instead.",
        ),
    ] = False,
    code: CodeOption = None,
    fmt: OutputOption = None,
) -> None:
    """Sign in and store the credential (refresh token or API key) in the OS keyring."""
    from platform_cli import terminal
    from platform_cli.config import validate_setting
    from platform_cli.credentials import Credential, KeyringUnavailable, probe_keyring
    from platform_cli.errors import CLIError, UsageError

    out = output(ctx, fmt)
    if base_url is not None:
        try:
            base_url = validate_setting("base_url", base_url)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    conn = connection(ctx, base_url=base_url)
    if api_key is not None and (email or password_stdin):
        raise UsageError("--api-key cannot be combined with --email or --password-stdin")
    if api_key is not None and api_key != "-":
        raise UsageError(
            "pass `--api-key -` and the key on stdin (keys on the command line end up in "
            "shell history and process lists)"
        )

    # Refuse early, before a session is created on the server that could not be stored.
    try:
        probe_keyring()
    except KeyringUnavailable as exc:
        if not insecure_storage:
            raise CLIError(
                f"cannot store the credential: {exc}",
                details=[
                    "  Install/unlock a keyring (Secret Service, macOS Keychain, Windows "
                    "Credential Manager),",
                    "  or pass --insecure-storage to keep it in a file readable only by you.",
                ],
            ) from None

    if api_key is not None:
        key = read_secret_stdin("API key")
        credential = Credential("api_key", "keyring", api_key=key)
    else:
        if email is None:
            if not terminal.stdin_is_tty():
                raise UsageError("--email is required without a terminal")
            email = str(typer.prompt("Email", err=True)).strip()
        password = ask_secret("password", from_stdin=password_stdin)
        from platform_sdk import Client, MfaRequiredError

        program = conn.client_options(None)["user_agent"]  # the session is named by its login
        with Client(base_url=conn.base_url, api_key="", user_agent=program) as anon:
            try:
                with out.spinner(f"Signing in to {conn.base_url}…"):
                    pair = anon.auth.login(email=email, password=password)
            except MfaRequiredError as needed:  # the account has a second factor
                from platform_cli.commands.auth.mfa.common import ask_code

                second = ask_code(code)
                with out.spinner("Checking the code…"):
                    pair = anon.auth.mfa.verify(challenge=needed.challenge, code=second)
        del password
        credential = Credential(
            "session", "keyring", access_token=pair.access_token, refresh_token=pair.refresh_token
        )

    from platform_cli.client import Connection

    probe = Connection(
        conn.config, conn.profile, conn.base_url, conn.store, credential, warn=conn.warn
    )
    with out.spinner("Checking the credential…"), probe.client() as sdk:
        me = sdk.users.me()
        credential = probe.credential or credential  # a refresh may have rotated it

    where = conn.store.save(conn.profile, credential, allow_file=insecure_storage)
    if where == "file":
        out.warn(
            f"no keyring available: the credential is stored in {conn.store.file} "
            "(mode 0600, readable only by you)"
        )
    profile = conn.config.profile(conn.profile)
    profile.update(
        {
            "base_url": conn.base_url,
            "email": me.email,
            "user_id": str(me.id),
            "auth_kind": credential.kind,
            "credential_store": where,
        }
    )
    if conn.config.current_profile is None:
        conn.config.current_profile = conn.profile
    conn.config.save()
    conn.credential = credential
    result = {
        "profile": conn.profile,
        "base_url": conn.base_url,
        "user": me.model_dump(mode="json"),
        "credential": credential.kind,
        "stored_in": where,
    }
    out.done(
        f"Logged in to {conn.base_url} as {me.email} ({me.role}); profile {conn.profile!r}, "
        f"credential in the {where}.",
        result,
    )
