from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response

from platform_server.core.access import requires
from platform_server.core.container import SettingsDep
from platform_server.core.database import DbSession
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.invoices import pdf, service
from platform_server.invoices.schemas import InvoiceOut

router = APIRouter(tags=["invoices"])


def _quality(accept: str, media_type: str) -> float:
    best = 0.0
    for part in accept.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        if kind not in (media_type, media_type.split("/")[0] + "/*", "*/*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        # An exact match outranks a wildcard of the same weight.
        best = max(best, q + (0.001 if kind == media_type else 0))
    return best


def prefers_json(accept: str) -> bool:
    """PDF unless the client asks for JSON at least as strongly (q-values honoured)."""
    if not accept:
        return False
    return _quality(accept, "application/json") > _quality(accept, "application/pdf")


@router.get(
    "/orders/{id}/invoice",
    response_model=InvoiceOut,
    summary="The invoice of a paid order",
    responses={
        200: {"content": {"application/pdf": {}}, "description": "PDF, or JSON on request"},
        409: {"description": "The order is not paid"},
    },
)
async def get_invoice(
    id: uuid.UUID,
    request: Request,
    settings: SettingsDep,
    session: DbSession,
    actor: Annotated[Principal, requires(Permission.ORDERS_WRITE)],
) -> InvoiceOut | Response:
    """A PDF by default; `Accept: application/json` gives the same invoice as JSON."""
    invoice = await service.for_order(session, settings, id, actor)
    if prefers_json(request.headers.get("accept", "")):
        return invoice
    return Response(
        pdf.render(invoice),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{invoice.number}.pdf"'},
    )
