"""`platform users profile get|set`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.commands.users.options import PROFILE_COLUMNS, UserId, resolve_id
from platform_cli.context import check_fields
from platform_cli.params import opt
from platform_cli.verbs import Session, showing, verb

if TYPE_CHECKING:
    from platform_sdk import Client

_PHONE = re.compile(r"^\+?[0-9 ()\-.]{5,30}$")


@showing(PROFILE_COLUMNS)
def profile_get(sdk: Client, user_id: UserId) -> Any:
    """Show a user's profile."""
    return sdk.users.profile.get(resolve_id(sdk, user_id))


@verb(dry_run=True)
def profile_set(
    session: Session,
    user_id: UserId,
    bio: Annotated[str | None, opt()] = None,
    location: Annotated[str | None, opt()] = None,
    phone: Annotated[str | None, opt()] = None,
    sms_opt_in: Annotated[
        bool | None,
        opt(
            "--sms-opt-in/--no-sms-opt-in",
            help="Send order updates by SMS to the phone (default: keep as is).",
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Clear the fields not given (default: keep them).")
    ] = False,
) -> None:
    """Change a user's profile; fields not given are kept unless --replace. The avatar
    is uploaded apart: `platform users avatar set`."""
    out = session.out
    given = {"bio": bio, "location": location, "phone": phone}
    errors: list[tuple[str, str]] = []
    if phone and not _PHONE.match(phone):
        errors.append(("body.phone", "not a phone number"))
    if bio and len(bio) > 2000:
        errors.append(("body.bio", "at most 2000 characters"))
    sdk = session.sdk
    target = resolve_id(sdk, user_id)
    with out.spinner("Fetching…"):
        before = sdk.users.profile.get(target).model_dump(mode="json")
    fields = ("bio", "location", "phone")
    body = {f: given[f] if given[f] is not None or replace else before.get(f) for f in fields}
    # An empty string clears a field.
    body = {f: (v if v != "" else None) for f, v in body.items()}
    # Kept unless given (or --replace, which turns it off).
    opt_in = (
        bool(sms_opt_in)
        if sms_opt_in is not None or replace
        else bool(before.get("sms_opt_in", False))
    )
    if session.dry_run:
        check_fields(errors)
        after = {**before, **body, "sms_opt_in": opt_in}
        out.dry_run(f"set the profile of user {target}", before=before, after=after)
        return
    with out.spinner("Saving…"):
        profile = sdk.users.profile.set(
            target,
            bio=_or_null(body["bio"]),
            location=_or_null(body["location"]),
            phone=_or_null(body["phone"]),
            sms_opt_in=opt_in,
        )
    out.one(profile, PROFILE_COLUMNS)


def _or_null(value: Any) -> Any:
    """``None`` would leave the field out; NULL sends JSON null (the profile is replaced)."""
    from platform_sdk import NULL

    return NULL if value is None else value
