"""`GET /metrics`: Prometheus's text format, for Prometheus, not for the API's clients.

Off the public API: outside `/api/v1`, absent from the OpenAPI document. With
`PLATFORM_METRICS_TOKEN` set it asks for `Authorization: Bearer <token>` (from any
address); unset, it answers only clients on the loopback interface.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from platform_server.core.container import SettingsDep, Slot
from platform_server.core.database import Database, DatabaseDep, utcnow
from platform_server.core.errors import Forbidden, Unauthenticated
from platform_server.core.request_context import current_client_ip
from platform_server.observability.metrics import (
    CONTENT_TYPE,
    Backlog,
    BacklogCollector,
    render,
    sample_pools,
)

# What the composition root reads from the domains on each scrape.
BACKLOG: Slot[Callable[[Database], Awaitable[Backlog]]] = Slot("metrics backlog")
BacklogDep = Annotated[Callable[[Database], Awaitable[Backlog]], Depends(BACKLOG.provide)]

router = APIRouter(tags=["metrics"])


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_scraper(request: Request, token: str | None) -> None:
    if token is None:
        # The gateway's view of the client (a trusted proxy's X-Forwarded-For believed);
        # a request forwarded by any proxy is not a local scraper, even from loopback.
        forwarded = "x-forwarded-for" in request.headers
        if forwarded or not _is_loopback(current_client_ip()):
            raise Forbidden(
                "Metrics answer only loopback clients unless PLATFORM_METRICS_TOKEN is set."
            )
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        raise Unauthenticated("Send the metrics token as Authorization: Bearer <token>.")


@router.get("/metrics", include_in_schema=False)
async def metrics(
    request: Request, settings: SettingsDep, db: DatabaseDep, read_backlog: BacklogDep
) -> Response:
    check_scraper(request, settings.metrics_token or None)
    sample_pools(db.pools())
    collector = BacklogCollector()
    collector.update(await read_backlog(db), utcnow())
    return Response(render(collector), media_type=CONTENT_TYPE)
