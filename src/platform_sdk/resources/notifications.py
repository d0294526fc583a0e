from __future__ import annotations

from typing import Literal, Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, endpoint, paginated
from .._types import M, PageOptions, RequestOptions
from ..models import Notification

NotificationStatus = Literal["queued", "sent", "failed"]
NotificationChannel = Literal["email", "sms"]


class Notifications(Resource[M]):
    @paginated("GET", "/api/v1/notifications")
    def list(
        self,
        *,
        status: NotificationStatus | None = None,
        channel: NotificationChannel | None = None,
        user_id: UUID | str | None = None,
        template: str | None = None,
        **options: Unpack[PageOptions],
    ) -> PageCall[Notification]:
        """Emails and SMS, newest first: customers see their own; staff see everyone's
        (``user_id`` filters)."""
        ...

    @endpoint("GET", "/api/v1/notifications/{id}")
    def get(
        self, notification_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[Notification]: ...

    @endpoint("POST", "/api/v1/notifications/{id}/retry")
    def retry(
        self, notification_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[Notification]:
        """Send a failed (or queued) notification again now (staff); a sent one raises
        ``ConflictError``."""
        ...
