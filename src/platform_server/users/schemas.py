from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, EmailStr, Field, WithJsonSchema, field_validator

from platform_server.core.schemas import InputModel, OutputModel, PatchModel

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
# The policy itself (length setting, strength) is `users.passwords.check_password`.
Password = Annotated[str, Field(min_length=8, max_length=1024)]
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


class ProfileIn(InputModel):
    bio: Annotated[str, Field(max_length=2000)] | None = None
    avatar_url: str | None = Field(
        None,
        max_length=500,
        description="Read-only: the served URL of the uploaded avatar "
        "(PUT /users/{id}/avatar). Accepted only unchanged, so a profile read can be "
        "sent back; any other value is a 422.",
    )
    location: Annotated[str, Field(max_length=255)] | None = None
    phone: (
        Annotated[str, Field(pattern=r"^\+?[0-9 ()\-.]{5,30}$", description="E.164 preferred")]
        | None
    ) = None
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
    current_password: Annotated[str, Field(max_length=1024)] | None = Field(
        None, description="Required unless an admin changes another user's password."
    )
    new_password: Password
