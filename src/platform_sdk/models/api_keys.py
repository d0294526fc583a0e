from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from ._base import PlatformModel


class ApiKey(PlatformModel):
    id: UUID
    name: str
    prefix: str
    scopes: list[str] = Field(default_factory=list)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    created_at: datetime


class ApiKeyCreated(ApiKey):
    """An API key as answered by ``create``: ``key`` is the secret, shown only this once.

    ``key`` is ``None`` when the server replays an earlier create with the same
    ``Idempotency-Key``: it never stores the secret. Revoke that key and create another.
    """

    key: str | None

    def __repr__(self) -> str:
        return f"ApiKeyCreated(id={self.id!s}, name={self.name!r}, prefix={self.prefix!r})"

    __str__ = __repr__
