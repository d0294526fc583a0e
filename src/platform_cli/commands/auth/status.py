"""`platform auth status` and `platform auth token`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from platform_cli.context import Column, OutputOption, connection, output
from platform_cli.verbs import printing

if TYPE_CHECKING:
    from platform_cli.output import Output


@printing
def status(ctx: typer.Context, out: Output) -> None:
    """Who you are, on which server and profile, where the credential comes from."""
    from platform_cli.client import jwt_expiry

    conn = connection(ctx)
    credential = conn.require_credential()
    with out.spinner("Checking…"), conn.client() as sdk:
        me = sdk.users.me()
    credential = conn.credential or credential
    expiry = jwt_expiry(credential.access_token) if credential.kind == "session" else None
    data: dict[str, Any] = {
        "profile": conn.profile,
        "base_url": conn.base_url,
        "user": {"id": str(me.id), "email": me.email, "name": me.name, "role": me.role},
        "credential": credential.kind,
        "source": credential.source,
        "access_token_expires_at": expiry.isoformat().replace("+00:00", "Z") if expiry else None,
    }
    if out.format != "table":
        out.one(data)
        return
    flat = {
        "user": f"{me.email} ({me.name}, {me.role})",
        "user_id": str(me.id),
        "server": conn.base_url,
        "profile": conn.profile,
        "credential": "API key" if credential.kind == "api_key" else "session (refresh token)",
        "source": credential.source
        + (" (PLATFORM_API_KEY)" if credential.source == "environment" else ""),
        "access_token_expires": data["access_token_expires_at"] or "-",
    }
    out.one(
        flat,
        [
            Column("user", "user"),
            Column("user_id", "user_id", "id"),
            Column("server", "server"),
            Column("profile", "profile"),
            Column("credential", "credential"),
            Column("source", "source"),
            Column("access_token_expires", "access_token_expires", "time"),
        ],
    )


def token(ctx: typer.Context, fmt: OutputOption = None) -> None:
    """Print the access token (refreshed if needed) or the API key, for scripts."""
    from platform_cli.client import jwt_expiry

    out = output(ctx, fmt)
    conn = connection(ctx)
    credential = conn.require_credential()
    with conn.client() as sdk:
        value = conn.fresh_bearer(sdk)
    credential = conn.credential or credential
    if out.format in ("table",):
        out.write(value + "\n")
        return
    expiry = jwt_expiry(value) if credential.kind == "session" else None
    out.one(
        {
            "token": value,
            "type": credential.kind,
            "expires_at": expiry.isoformat().replace("+00:00", "Z") if expiry else None,
        }
    )
