from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ._base import PlatformModel


class EventActor(PlatformModel):
    id: UUID
    email: str | None = None


class Event(PlatformModel):
    """A domain event such as ``order.created``; ``data`` is the resource as the API shows it.

    ``position`` orders the stream; it is ``None`` for the moment between the change and
    its publication.
    """

    id: UUID
    type: str
    resource_type: str
    resource_id: str
    actor: EventActor | None = None
    data: dict[str, Any]
    request_id: str | None = None
    created_at: datetime
    position: int | None = None
    published_at: datetime | None = None
