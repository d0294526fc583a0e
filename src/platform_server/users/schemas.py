from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, EmailStr, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from platform_server.core.schemas import ExactText, InputModel, OutputModel, PatchModel
from platform_server.users.passwords import MAX_LENGTH, MIN_LENGTH

RoleName = Literal["admin", "staff", "customer"]
UserStatus = Literal["active", "suspended"]


class UserFilters(BaseModel):
    """The query of `GET /users`: every filter is optional."""

    role: RoleName | None = None
    status: UserStatus | None = None
    q: str | None = Field(
        None, max_length=255, pattern=r"^[^\x00]*$", description="Email or name contains"
    )


Name = Annotated[str, Field(min_length=1, max_length=255)]


def _password_length(value: str) -> str:
    """The bounds the document states, refused in the policy's words and with the body's
    other errors; the policy itself (`check_password`, which every route taking a
    password runs) may ask for more (`password_min_length`)."""
    if len(value) < MIN_LENGTH:
        raise PydanticCustomError(
            "password_length", f"Passwords need at least {MIN_LENGTH} characters"
        )
    if len(value) > MAX_LENGTH:
        raise PydanticCustomError(
            "password_length", f"Passwords may have at most {MAX_LENGTH} characters"
        )
    return value


Password = Annotated[
    ExactText,
    AfterValidator(_password_length),
    Field(json_schema_extra={"minLength": MIN_LENGTH, "maxLength": MAX_LENGTH}),
]
# The document states the common shape the validator always takes (it refuses more:
# special-use domains such as .test, over-long parts).
_EMAIL_PATTERN = (
    r"^[A-Za-z0-9_+-]{1,32}(\.[A-Za-z0-9_+-]{1,32})?@[A-Za-z0-9]{1,63}(\.[A-Za-z0-9]{1,63})?"
    r"\.(com|org|net|io|dev|app|shop)$"
)
Email = Annotated[
    EmailStr,
    Field(max_length=255),
    WithJsonSchema({"type": "string", "format": "email", "pattern": _EMAIL_PATTERN}),
]


class UserCreate(InputModel):
    email: Email
    password: Password
    name: Name
    role: RoleName | None = Field(None, description="Only an admin may set it; default customer.")

    @field_validator("email")
    @classmethod
    def _normalise_email(cls, value: str) -> str:
        return value.lower()


class Invitation(InputModel):
    """A user staff create without a password (the users bulk import): the owner of the
    address sets one with the code their invitation email holds."""

    email: Email
    name: Name
    role: RoleName = "customer"

    @field_validator("email")
    @classmethod
    def _normalise_email(cls, value: str) -> str:
        return value.lower()


class UserUpdate(PatchModel):
    email: Email | None = None
    name: Name | None = None
    role: RoleName | None = Field(None, description="Admin only.")
    status: UserStatus | None = Field(None, description="Admin only.")

    @field_validator("email")
    @classmethod
    def _normalise_email(cls, value: str | None) -> str | None:
        return value.lower() if value else value


class UserOut(OutputModel):
    id: uuid.UUID
    email: str
    name: str
    role: RoleName
    status: UserStatus
    email_verified_at: datetime | None = Field(
        description="When the user proved they own the address; null until then"
    )
    created_at: datetime
    updated_at: datetime


# Five to thirty digits, spaces and ( ) - . after an optional +, the first and last not
# a space: the server strips surrounding white space before it checks the pattern, so a
# pattern that let them count would allow "1234 " (four characters once stripped).
_PHONE_PATTERN = r"^\+?[0-9()\-.][0-9 ()\-.]{3,28}[0-9()\-.]$"


class ProfileIn(InputModel):
    bio: Annotated[str, Field(max_length=2000)] | None = None
    # Read-only since avatars are uploaded: the document offers only null, and the
    # server also takes the profile's current value back unchanged (read, modify,
    # write); any other value is a 422 (users/service.py).
    avatar_url: Annotated[
        str | None,
        Field(max_length=500),
        WithJsonSchema(
            {
                "type": "null",
                "deprecated": True,
                "description": "Read-only: set with PUT /users/{id}/avatar. A profile's "
                "current avatar_url may be sent back unchanged; any other value is a 422.",
            }
        ),
    ] = None
    location: Annotated[str, Field(max_length=255)] | None = None
    phone: Annotated[str, Field(pattern=_PHONE_PATTERN, description="E.164 preferred")] | None = (
        None
    )
    sms_opt_in: bool = Field(
        False, description="Order updates by SMS to `phone`; omitted means off (PUT replaces)"
    )


class ProfileOut(OutputModel):
    user_id: uuid.UUID
    bio: str | None
    avatar_url: str | None = Field(
        description="The uploaded avatar's URL, relative to the API's base (read-only)"
    )
    location: str | None
    phone: str | None
    sms_opt_in: bool
    updated_at: datetime


class PasswordChange(InputModel):
    current_password: Annotated[ExactText, Field(max_length=MAX_LENGTH)] | None = Field(
        None, description="Required unless an admin changes another user's password."
    )
    new_password: Password
