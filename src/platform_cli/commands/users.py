"""`platform users …`: mirrors ``client.users`` of the SDK."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.actions import change, list_page, show_one
from platform_cli.context import (
    AllOption,
    Column,
    DryRunOption,
    LimitOption,
    OutputOption,
    YesOption,
    check_fields,
    client,
    output,
    prompt_secret,
    read_secret_stdin,
)

if TYPE_CHECKING:
    from platform_sdk import Client

app = typer.Typer(help="Create, list, change and delete users.", no_args_is_help=True)
profile_app = typer.Typer(
    help="A user's profile (bio, avatar, location, phone, SMS opt-in).", no_args_is_help=True
)
app.add_typer(profile_app, name="profile")


class Role(StrEnum):
    admin = "admin"
    staff = "staff"
    customer = "customer"


class Status(StrEnum):
    active = "active"
    suspended = "suspended"


UserId = Annotated[str, typer.Argument(help="User id, or `me` for yourself.", show_default=False)]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{5,30}$")


COLUMNS = [
    Column("ID", "id", "id"),
    Column("EMAIL", "email"),
    Column("NAME", "name"),
    Column("ROLE", "role"),
    Column("STATUS", "status", "status"),
    Column("CREATED", "created_at", "time"),
]


PROFILE_COLUMNS = [
    Column("USER", "user_id", "id"),
    Column("BIO", "bio"),
    Column("AVATAR", "avatar_url"),
    Column("LOCATION", "location"),
    Column("PHONE", "phone"),
    Column("SMS", "sms_opt_in", "bool"),
    Column("UPDATED", "updated_at", "time"),
]


def resolve_id(sdk: Client, user_id: str) -> str:
    """``me`` means the signed-in user."""
    return str(sdk.users.me().id) if user_id == "me" else user_id


def _validate_user_fields(
    *, email: str | None = None, name: str | None = None, password: str | None = None
) -> list[tuple[str, str]]:
    errors = []
    if email is not None and (not _EMAIL.match(email) or len(email) > 255):
        errors.append(("body.email", "value is not a valid email address"))
    if name is not None and not 1 <= len(name) <= 255:
        errors.append(("body.name", "must be 1-255 characters"))
    if password is not None and not 8 <= len(password) <= 128:
        errors.append(("body.password", "must be 8-128 characters"))
    return errors


@app.command("list")
def list_users(
    ctx: typer.Context,
    role: Annotated[Role | None, typer.Option(help="Only this role.", show_default=False)] = None,
    status: Annotated[
        Status | None, typer.Option(help="Only this status.", show_default=False)
    ] = None,
    query: Annotated[
        str | None,
        typer.Option("--query", "-q", help="Email or name contains.", show_default=False),
    ] = None,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List users, newest first (staff and admins)."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.users.list(
            role=role.value if role else None,
            status=status.value if status else None,
            q=query,
            limit=size,
        ),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No users.",
        spinner="Fetching users…",
    )


@app.command("me")
def me(ctx: typer.Context, fmt: OutputOption = None) -> None:
    """Show the signed-in user."""
    show_one(ctx, output(ctx, fmt), lambda sdk: sdk.users.me(), COLUMNS)


@app.command("get")
def get(ctx: typer.Context, user_id: UserId, fmt: OutputOption = None) -> None:
    """Show one user."""
    show_one(ctx, output(ctx, fmt), lambda sdk: sdk.users.get(resolve_id(sdk, user_id)), COLUMNS)


@app.command("create")
def create(
    ctx: typer.Context,
    email: Annotated[str, typer.Option("--email", "-e", help="Email (unique).")],
    name: Annotated[str, typer.Option("--name", "-n", help="Display name.")],
    role: Annotated[
        Role | None, typer.Option(help="Role (admins only; default customer).", show_default=False)
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from stdin (else prompted)."),
    ] = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Create a user."""
    out = output(ctx, fmt)
    password = (
        read_secret_stdin("password")
        if password_stdin
        else prompt_secret("Password", confirmation=True)
    )
    request: dict[str, Any] = {"email": email, "name": name, "role": role.value if role else None}
    if dry_run:
        check_fields(_validate_user_fields(email=email, name=name, password=password))
        out.dry_run("create a user", request={**request, "password": "***"})
        return
    show_one(
        ctx,
        out,
        lambda sdk: sdk.users.create(
            email=email, name=name, password=password, role=role.value if role else None
        ),
        COLUMNS,
        spinner="Creating…",
    )


def _patch(
    ctx: typer.Context,
    user_id: str,
    changes: dict[str, Any],
    *,
    action: str,
    yes: bool | None,
    dry_run: bool,
    fmt: Any,
) -> None:
    """Shared by update, suspend, activate and set-role: diff on dry run, confirm, PATCH.

    ``yes`` is None for changes that need no confirmation.
    """
    changes = {k: v for k, v in changes.items() if v is not None}
    out = output(ctx, fmt)
    if not changes:
        from platform_cli.errors import UsageError

        raise UsageError("nothing to change: give at least one of the options")
    check_fields(_validate_user_fields(email=changes.get("email"), name=changes.get("name")))
    with client(ctx) as sdk:
        target = resolve_id(sdk, user_id)
        change(
            out,
            action=f"{action} user {target}",
            fetch=lambda: sdk.users.get(target),
            after=lambda before: {**before, **changes},
            call=lambda: sdk.users.update(target, **changes),
            show=lambda user: out.one(user, COLUMNS),
            yes=yes,
            dry_run=dry_run,
        )


@app.command("update")
def update(
    ctx: typer.Context,
    user_id: UserId,
    name: Annotated[str | None, typer.Option("--name", "-n", show_default=False)] = None,
    email: Annotated[str | None, typer.Option("--email", "-e", show_default=False)] = None,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Change a user's name or email (see also suspend, activate, set-role)."""
    _patch(
        ctx,
        user_id,
        {"name": name, "email": email},
        action="update",
        yes=None,
        dry_run=dry_run,
        fmt=fmt,
    )


@app.command("suspend")
def suspend(
    ctx: typer.Context,
    user_id: UserId,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Suspend a user: it cannot log in and its tokens and keys stop working (admins)."""
    _patch(
        ctx,
        user_id,
        {"status": "suspended"},
        action="suspend",
        yes=yes,
        dry_run=dry_run,
        fmt=fmt,
    )


@app.command("activate")
def activate(
    ctx: typer.Context,
    user_id: UserId,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Re-activate a suspended user (admins)."""
    _patch(
        ctx,
        user_id,
        {"status": "active"},
        action="activate",
        yes=None,
        dry_run=dry_run,
        fmt=fmt,
    )


@app.command("set-role")
def set_role(
    ctx: typer.Context,
    user_id: UserId,
    role: Annotated[Role, typer.Argument(help="admin, staff or customer.")],
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Change a user's role (admins)."""
    _patch(
        ctx,
        user_id,
        {"role": role.value},
        action=f"make {role.value}",
        yes=yes,
        dry_run=dry_run,
        fmt=fmt,
    )


@app.command("delete")
def delete(
    ctx: typer.Context,
    user_id: UserId,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Delete a user with its profile, sessions and API keys."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        target = resolve_id(sdk, user_id)
        change(
            out,
            action=f"delete user {target}",
            fetch=lambda: sdk.users.get(target),  # 404 if it does not exist
            call=lambda: sdk.users.delete(target),
            spinner="Deleting…",
            show=lambda _: out.done(f"Deleted user {target}.", {"id": target, "deleted": True}),
            yes=yes,
            dry_run=dry_run,
        )


@app.command("revoke-sessions")
def revoke_sessions(
    ctx: typer.Context,
    user_id: UserId,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Sign a user out everywhere: end all its sessions (yourself, or anyone as an admin)."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        target = resolve_id(sdk, user_id)
        change(
            out,
            action=f"revoke every session of user {target}",
            fetch=lambda: sdk.users.get(target),  # 404 if it does not exist
            call=lambda: sdk.users.revoke_sessions(target),
            spinner="Revoking…",
            show=lambda _: out.done(
                f"Revoked every session of user {target}.",
                {"id": target, "sessions_revoked": True},
            ),
            yes=yes,
            dry_run=dry_run,
        )


@app.command("set-password")
def set_password(
    ctx: typer.Context,
    user_id: UserId,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the new password from stdin, then (for your own account) the current "
            "password on the next line.",
        ),
    ] = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Set a user's password (your own needs the current one); revokes other sessions."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        me_id = str(sdk.users.me().id)
        target = me_id if user_id == "me" else user_id
        own = target == me_id
        if password_stdin:
            new = read_secret_stdin("new password")
            current = read_secret_stdin("current password") if own else None
        else:
            new = prompt_secret("New password", confirmation=True)
            current = prompt_secret("Current password") if own else None
        if dry_run:
            check_fields(_validate_user_fields(password=new))
            out.dry_run(
                f"set the password of user {target}",
                request={
                    "user_id": target,
                    "new_password": "***",
                    "current_password": "***" if current else None,
                },
            )
            return
        with out.spinner("Saving…"):
            sdk.users.change_password(target, new_password=new, current_password=current)
    out.done(f"Password of user {target} changed.", {"id": target, "password_changed": True})


@profile_app.command("get")
def profile_get(ctx: typer.Context, user_id: UserId, fmt: OutputOption = None) -> None:
    """Show a user's profile."""
    show_one(
        ctx,
        output(ctx, fmt),
        lambda sdk: sdk.users.profile.get(resolve_id(sdk, user_id)),
        PROFILE_COLUMNS,
    )


@profile_app.command("set")
def profile_set(
    ctx: typer.Context,
    user_id: UserId,
    bio: Annotated[str | None, typer.Option(show_default=False)] = None,
    avatar_url: Annotated[str | None, typer.Option("--avatar-url", show_default=False)] = None,
    location: Annotated[str | None, typer.Option(show_default=False)] = None,
    phone: Annotated[str | None, typer.Option(show_default=False)] = None,
    sms_opt_in: Annotated[
        bool | None,
        typer.Option(
            "--sms-opt-in/--no-sms-opt-in",
            help="Send order updates by SMS to the phone (default: keep as is).",
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Clear the fields not given (default: keep them)."),
    ] = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Change a user's profile; fields not given are kept unless --replace."""
    out = output(ctx, fmt)
    given = {"bio": bio, "avatar_url": avatar_url, "location": location, "phone": phone}
    errors: list[tuple[str, str]] = []
    if phone and not _PHONE.match(phone):
        errors.append(("body.phone", "not a phone number"))
    if avatar_url and not avatar_url.startswith(("http://", "https://")):
        errors.append(("body.avatar_url", "not an http(s) URL"))
    if bio and len(bio) > 2000:
        errors.append(("body.bio", "at most 2000 characters"))
    with client(ctx) as sdk:
        target = resolve_id(sdk, user_id)
        with out.spinner("Fetching…"):
            before = sdk.users.profile.get(target).model_dump(mode="json")
        fields = ("bio", "avatar_url", "location", "phone")
        body = {f: given[f] if given[f] is not None or replace else before.get(f) for f in fields}
        # An empty string clears a field.
        body = {f: (v if v != "" else None) for f, v in body.items()}
        # Kept unless given (or --replace, which turns it off).
        opt_in = (
            bool(sms_opt_in)
            if sms_opt_in is not None or replace
            else bool(before.get("sms_opt_in", False))
        )
        if dry_run:
            check_fields(errors)
            after = {**before, **body, "sms_opt_in": opt_in}
            out.dry_run(f"set the profile of user {target}", before=before, after=after)
            return
        with out.spinner("Saving…"):
            profile = sdk.users.profile.set(
                target,
                bio=_or_null(body["bio"]),
                avatar_url=_or_null(body["avatar_url"]),
                location=_or_null(body["location"]),
                phone=_or_null(body["phone"]),
                sms_opt_in=opt_in,
            )
    out.one(profile, PROFILE_COLUMNS)


def _or_null(value: Any) -> Any:
    """``None`` would leave the field out; NULL sends JSON null (the profile is replaced)."""
    from platform_sdk import NULL

    return NULL if value is None else value
