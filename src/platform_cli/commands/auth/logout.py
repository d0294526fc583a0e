"""`platform logout`: revoke the session and forget the credential."""

from __future__ import annotations

import typer

from platform_cli.context import OutputOption, connection, output


def logout(ctx: typer.Context, fmt: OutputOption = None) -> None:
    """Revoke the server session and forget the stored credential of the profile."""
    out = output(ctx, fmt)
    conn = connection(ctx)
    credential = conn.credential
    if credential is None:
        from platform_cli.errors import AuthRequired

        raise AuthRequired(f"not logged in (profile {conn.profile!r})")
    if credential.source == "environment":
        from platform_cli.errors import UsageError

        raise UsageError("the credential comes from PLATFORM_API_KEY; unset it to log out")
    revoked = False
    if credential.kind == "session":
        try:
            with out.spinner("Signing out…"), conn.client() as sdk:
                sdk.auth.logout(refresh_token=credential.refresh_token)
                revoked = True
        except Exception as exc:  # forget the local credential anyway
            from platform_cli.errors import describe, redact

            out.warn(f"could not revoke the server session: {redact(describe(exc)[0][0])}")
    removed = conn.store.delete(conn.profile)
    profile = conn.config.profiles.get(conn.profile)
    if profile is not None:
        for key in ("auth_kind", "credential_store", "user_id"):
            profile.pop(key, None)
        conn.config.save()
    note = "" if credential.kind == "session" else " (the API key itself stays valid)"
    out.done(
        f"Logged out of profile {conn.profile!r}{note}.",
        {"profile": conn.profile, "session_revoked": revoked, "forgotten_from": removed},
    )
