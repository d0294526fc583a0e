from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from platform_server.core.access import requires
from platform_server.core.database import DatabaseDep, DbSession
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.core.schemas import Instant
from platform_server.events import service
from platform_server.events.schemas import EventOut
from platform_server.events.stream import event_stream, resume_position

router = APIRouter(prefix="/events", tags=["events"])
Reader = Annotated[Principal, requires(Permission.EVENTS_READ)]
Types = Annotated[
    list[str] | None,
    Query(alias="type", max_length=20, description="Event types (repeat for several)"),
]


@router.get("", summary="List events (staff)")
async def list_events(
    session: DbSession,
    page: PageQuery,
    actor: Reader,
    types: Types = None,
    created_after: Instant | None = None,
    created_before: Instant | None = None,
    resource_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[EventOut]:
    """Newest first. Filter by `type` (repeatable), time, or the resource's id."""
    filters = service.EventFilters(
        types=types or (),
        created_after=created_after,
        created_before=created_before,
        resource_id=resource_id,
    )
    return await service.list_events(session, page, filters)


@router.get(
    "/stream",
    summary="Live events (Server-Sent Events)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stream_events(
    request: Request,
    db: DatabaseDep,
    actor: Reader,
    types: Types = None,
    last_event_id: Annotated[
        str | None,
        Header(max_length=64, description="Resume after this event id (sent on reconnect)"),
    ] = None,
    after: Annotated[
        uuid.UUID | None, Query(description="Resume after this event id (as Last-Event-ID)")
    ] = None,
) -> StreamingResponse:
    """Each published event as `id: <event id>`, `event: <type>`, `data: <event JSON>`, in
    stream order. Without `Last-Event-ID` it starts with events published from now on.
    A comment line every 15 seconds keeps idle connections open."""
    start = await resume_position(db, last_event_id or (str(after) if after else None))
    return StreamingResponse(
        event_stream(request, start, types or ()),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/{id}", summary="Get an event (staff)")
async def get_event(id: uuid.UUID, session: DbSession, actor: Reader) -> EventOut:
    return await service.get_event(session, id)
