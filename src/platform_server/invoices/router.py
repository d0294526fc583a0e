from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from platform_server.core.access import OrderBuyer as Reader
from platform_server.core.container import SettingsDep
from platform_server.core.database import DatabaseDep, DbSession
from platform_server.core.pagination import Page, PageQuery
from platform_server.invoices import service
from platform_server.invoices.models import CreditNote, Invoice
from platform_server.invoices.schemas import CreditNoteOut, InvoiceOut, RefundListed
from platform_server.storage.factory import StorageDep
from platform_server.storage.serving import PRIVATE, download_responses, serve

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


def _responses(what: str) -> dict[int | str, dict[str, Any]]:
    return download_responses(f"{what}: PDF, or JSON on request", ["application/pdf"])


class Documents:
    """What serving a stored document takes: the request (its `Accept`, `Range` and
    `If-None-Match`), the settings, the database and the storage."""

    def __init__(
        self, request: Request, settings: SettingsDep, db: DatabaseDep, storage: StorageDep
    ) -> None:
        self.request, self.settings, self.db, self.storage = request, settings, db, storage

    async def serve(self, row: Invoice | CreditNote, number: str) -> Response:
        """The stored PDF, or the stored JSON when asked for; the same bytes every time
        (stored now if this is the first read of an invoice issued before 0015)."""
        pdf_key, json_key = await service.documents(self.db, self.settings, self.storage, row)
        as_json = prefers_json(self.request.headers.get("accept", ""))
        answer = await serve(
            self.request,
            self.storage,
            json_key if as_json else pdf_key,
            filename=f"{number}.{'json' if as_json else 'pdf'}",
            cache_control=PRIVATE,
            # JSON is asked for by clients that parse it: never a redirect.
            presign_seconds=None if as_json else self.settings.s3_presign_seconds,
        )
        answer.headers["Vary"] = "Accept"
        return answer


DocumentsDep = Annotated[Documents, Depends()]


@router.get(
    "/orders/{id}/invoice",
    response_model=InvoiceOut,
    summary="The invoice of a paid order",
    responses={**_responses("The invoice"), 409: {"description": "The order is not paid"}},
)
async def get_invoice(
    id: uuid.UUID, documents: DocumentsDep, session: DbSession, actor: Reader
) -> Response:
    """A PDF by default; `Accept: application/json` gives the same invoice as JSON. Both
    were stored when the order was paid and never change (`ETag`, `Range`)."""
    invoice = await service.invoice_for(session, id, actor)
    return await documents.serve(invoice, service.format_number(invoice.number))


@router.get("/payments/{id}/refunds", summary="Refunds of a payment, with their credit notes")
async def list_refunds(
    id: uuid.UUID, session: DbSession, page: PageQuery, actor: Reader
) -> Page[RefundListed]:
    """Newest first: explicit refunds and a cancellation's alike, each with its readable
    reference (`#1001-R1`) and credit note number. The order's buyer or staff (404 for
    anyone else, as for a missing payment). Served here, not by the payments domain,
    because it joins the credit notes this domain issues."""
    return await service.refunds_of(session, id, actor, page)


@router.get(
    "/payments/{id}/refunds/{refund_id}/credit-note",
    response_model=CreditNoteOut,
    summary="The credit note of a refund",
    responses=_responses("The credit note"),
)
async def get_credit_note(
    id: uuid.UUID, refund_id: uuid.UUID, documents: DocumentsDep, session: DbSession, actor: Reader
) -> Response:
    """Issued when the refund was made, numbered in its own sequence (`CN-000001`); a
    PDF by default, JSON on request, stored once like the invoice."""
    note = await service.credit_note_for(session, id, refund_id, actor)
    return await documents.serve(note, service.format_credit_note(note.number))
