"""What the verbs of `platform users` share: columns, option specs and local checks."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from platform_cli.context import columns
from platform_cli.params import arg
from platform_cli.refs import check_user

if TYPE_CHECKING:
    from platform_sdk import Client


Role = Literal["admin", "staff", "customer"]


Status = Literal["active", "suspended"]


UserId = Annotated[str, arg(help="User id, or `me` for yourself.", parser=check_user)]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


COLUMNS = columns(
    "ID=id:id, EMAIL=email, NAME=name, ROLE=role, STATUS=status:status, CREATED=created_at:time"
)


PROFILE_COLUMNS = columns(
    "USER=user_id:id, BIO=bio, AVATAR=avatar_url, LOCATION=location, PHONE=phone, "
    "SMS=sms_opt_in:bool, UPDATED=updated_at:time"
)


def resolve_id(sdk: Client, user_id: str) -> str:
    """``me`` means the signed-in user."""
    return str(sdk.users.me().id) if user_id == "me" else user_id


def validate_user_fields(
    *, email: str | None = None, name: str | None = None, password: str | None = None
) -> list[tuple[str, str]]:
    errors = []
    if email is not None and (not _EMAIL.match(email) or len(email) > 255):
        errors.append(("body.email", "value is not a valid email address"))
    if name is not None and not 1 <= len(name) <= 255:
        errors.append(("body.name", "must be 1-255 characters"))
    # The bounds any server accepts; its policy (length setting, strength) decides the rest.
    if password is not None and not 8 <= len(password) <= 1024:
        errors.append(("body.password", "must be 8-1024 characters"))
    return errors
