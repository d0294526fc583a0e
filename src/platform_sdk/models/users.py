from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ._base import PlatformModel


class User(PlatformModel):
    id: UUID
    email: str
    name: str
    role: str
    status: str
    email_verified_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class Accepted(PlatformModel):
    """A request taken in (202) whose outcome is not told: the same answer whatever the
    input (self-registration, verification and password-reset emails)."""

    detail: str


class Profile(PlatformModel):
    user_id: UUID
    bio: str | None = None
    avatar_url: str | None = None
    location: str | None = None
    phone: str | None = None
    sms_opt_in: bool = False
    updated_at: datetime | None = None
