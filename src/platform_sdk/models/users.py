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
    created_at: datetime
    updated_at: datetime


class Profile(PlatformModel):
    user_id: UUID
    bio: str | None = None
    avatar_url: str | None = None
    location: str | None = None
    phone: str | None = None
    sms_opt_in: bool = False
    updated_at: datetime | None = None
