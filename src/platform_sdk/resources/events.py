from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, StreamCall, endpoint, paginated, streaming
from .._types import M, PageOptions, RequestOptions
from ..models import Event
from ._calls import many


class Events(Resource[M]):
    """Domain events (staff): what happened, who did it, and the resource as it became."""

    @paginated("GET", "/api/v1/events")
    def list(
        self,
        *,
        type: str | Sequence[str] | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        resource_id: UUID | str | None = None,
        **options: Unpack[PageOptions],
    ) -> PageCall[Event]:
        """Newest first; ``type`` takes one type or several."""
        return many(
            Event,
            options,
            query={
                "type": [type] if isinstance(type, str) else type,
                "created_after": created_after,
                "created_before": created_before,
                "resource_id": resource_id,
            },
        )

    @endpoint("GET", "/api/v1/events/{id}")
    def get(self, event_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Event]: ...

    @streaming("/api/v1/events/stream")
    def stream(
        self,
        *,
        type: str | Sequence[str] | None = None,
        last_event_id: UUID | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> StreamCall[Event]:
        """Events as they are published, in stream order, for as long as you iterate.

        Starts with what is published from now on, or after ``last_event_id``. A dropped
        connection is reopened by itself, resuming after the last event received, so
        nothing is skipped. ``for event in client.events.stream(type="order.created"):``
        (``async for`` with :class:`AsyncClient`).
        """
        return StreamCall(
            item=Event.model_validate,
            query={"type": [type] if isinstance(type, str) else type},
            last_event_id=str(last_event_id) if last_event_id else None,
            options=options,
        )
