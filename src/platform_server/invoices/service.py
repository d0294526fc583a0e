"""Issuing invoices and credit notes, and storing their documents once.

An invoice is issued in the transaction that pays its order (`payments.order_paid`):
its number and the buyer's name are fixed then. Its documents (the PDF and the JSON)
are rendered and stored right after that transaction commits (`after_commit`, a commit
hook `app.py` installs) and never again: every download serves the stored bytes, so
renaming a product or changing the seller's address changes no issued invoice. A
credit note is issued the same way for every refund (`payments.refunded`), numbered
in its own sequence.

Invoices issued before the documents were stored (migration 0015), or whose storing
failed (storage unavailable right after the payment), are rendered and stored on
their first read.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.database import Database
from platform_server.core.errors import Conflict, NotFound
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings
from platform_server.invoices import pdf, repository
from platform_server.invoices.models import CreditNote, Invoice
from platform_server.invoices.schemas import CreditNoteOut, InvoiceOut, Party, RefundListed
from platform_server.orders import api as orders
from platform_server.payments import api as payments
from platform_server.storage.base import Storage, random_key
from platform_server.storage.lifecycle import discard_on_error
from platform_server.users import api as users

logger = logging.getLogger("platform_server.invoices")
_PENDING = "platform.invoices_to_store"
PREFIX = "invoices"
# Reads any order to render its documents (nobody's request: the commit hook's).
_RENDERER = Principal(
    user_id=uuid.UUID(int=0),
    email="",
    role="admin",
    permissions=frozenset({Permission.ORDERS_MANAGE}),
)


def format_number(number: int) -> str:
    return f"INV-{number:06d}"


def format_credit_note(number: int) -> str:
    return f"CN-{number:06d}"


def _pending(session: AsyncSession) -> list[tuple[type[Invoice] | type[CreditNote], uuid.UUID]]:
    pending: list[tuple[type[Invoice] | type[CreditNote], uuid.UUID]]
    pending = session.info.setdefault(_PENDING, [])
    return pending


async def issue(session: AsyncSession, order_id: uuid.UUID, buyer_email: str) -> Invoice:
    """The order's invoice, numbered from one sequence (the same one when it has one)."""
    existing = await repository.for_order(session, order_id)
    if existing is not None:
        return existing
    order = await orders.locked(session, order_id)
    name = _buyer_name(order.shipping_address) if order else None
    if order is not None and not name:
        contact = (await users.contacts(session, [order.user_id])).get(order.user_id)
        name = contact.name if contact else None
    number = await repository.next_number(session)
    invoice = Invoice(order_id=order_id, number=number, buyer_email=buyer_email, buyer_name=name)
    await repository.add(session, invoice)
    _pending(session).append((Invoice, invoice.id))
    return invoice


@payments.order_paid.connect
async def _order_paid(session: AsyncSession, order_id: uuid.UUID, buyer_email: str) -> None:
    await issue(session, order_id, buyer_email)


@payments.refunded.connect
async def _refunded(session: AsyncSession, refund: payments.Refunded) -> None:
    invoice = await repository.for_order(session, refund.order_id)
    if invoice is None:  # paid before invoices existed: issue it now, then credit it
        order = await orders.locked(session, refund.order_id)
        invoice = await issue(session, refund.order_id, order.user_email if order else "")
    note = CreditNote(
        refund_id=refund.id,
        payment_id=refund.payment_id,
        order_id=refund.order_id,
        invoice_id=invoice.id,
        number=await repository.next_number(session, repository.CREDIT_NOTES),
        amount=refund.amount,
        currency=refund.currency,
        reason=refund.reason,
    )
    await repository.add(session, note)
    _pending(session).append((CreditNote, note.id))


def after_commit(
    db: Database, settings: Settings, storage: Storage
) -> Callable[[AsyncSession], Awaitable[None]]:
    """For `Database.on_commit`: store the documents of what the transaction issued.
    A failure is logged, not raised: the first read stores them instead."""

    async def store_issued(session: AsyncSession) -> None:
        for model, row_id in session.info.pop(_PENDING, []):
            try:
                await freeze(db, settings, storage, model, row_id)
            except Exception:
                logger.warning("could not store %s %s; its first read will", model.__name__, row_id)

    return store_issued


async def freeze(
    db: Database,
    settings: Settings,
    storage: Storage,
    model: type[Invoice] | type[CreditNote],
    row_id: uuid.UUID,
) -> tuple[str, str]:
    """The keys of the row's stored PDF and JSON, rendering and storing them if this is
    the first time. Objects first, row after; a writer that lost the race to another
    removes its own objects."""
    async with db.transaction(write=False) as session:
        row: Invoice | CreditNote | None = await session.get(model, row_id)
        if row is None:
            raise NotFound("The document does not exist.")
        if row.pdf_key and row.json_key:
            return row.pdf_key, row.json_key
        if isinstance(row, Invoice):
            document: InvoiceOut | CreditNoteOut = await _invoice_out(session, settings, row)
        else:
            document = await _credit_note_out(session, settings, row)
    rendered = (
        pdf.render(document) if isinstance(document, InvoiceOut) else pdf.render_credit(document)
    )
    async with discard_on_error(storage) as written:
        pdf_key, json_key = random_key(PREFIX), random_key(PREFIX)
        written.append(pdf_key)
        await storage.put_bytes(pdf_key, rendered, content_type="application/pdf")
        written.append(json_key)
        body = document.model_dump_json().encode()
        await storage.put_bytes(json_key, body, content_type="application/json")
        async with db.transaction() as session:
            won = await repository.set_keys(session, model, row_id, pdf_key, json_key)
    if won:
        return pdf_key, json_key
    for key in (pdf_key, json_key):
        await storage.delete(key)
    return await freeze(db, settings, storage, model, row_id)


async def documents(
    db: Database, settings: Settings, storage: Storage, row: Invoice | CreditNote
) -> tuple[str, str]:
    """The keys of the stored PDF and JSON of an issued invoice or credit note."""
    if row.pdf_key and row.json_key:
        return row.pdf_key, row.json_key
    return await freeze(db, settings, storage, type(row), row.id)


async def invoice_for(session: AsyncSession, order_id: uuid.UUID, actor: Principal) -> Invoice:
    """The order's invoice row if `actor` may see the order (404) and it is paid (409)."""
    order = await orders.get_order(session, order_id, actor)
    invoice = await repository.for_order(session, order.id)
    if invoice is None:
        raise Conflict(
            f"Order {order.id} is {order.status}; invoices exist for paid orders only.",
            current_status=order.status,
        )
    return invoice


async def credit_note_for(
    session: AsyncSession, payment_id: uuid.UUID, refund_id: uuid.UUID, actor: Principal
) -> CreditNote:
    """The refund's credit note if `actor` may see its order (404 otherwise)."""
    note = await repository.credit_note_of(session, payment_id, refund_id)
    if note is None:
        raise NotFound(f"Refund {refund_id} of payment {payment_id} does not exist.")
    await orders.get_order(session, note.order_id, actor)  # NotFound for someone else's
    return note


async def refunds_of(
    session: AsyncSession, payment_id: uuid.UUID, actor: Principal, page: PageParams
) -> Page[RefundListed]:
    """A payment's refunds (its buyer or staff; 404 otherwise), each with the number of
    its credit note: how a customer finds the refund of a cancellation and its note."""
    refunds = await payments.list_refunds(session, payment_id, actor, page)
    numbers = await repository.credit_note_numbers(session, [r.id for r in refunds.data])
    items = [
        RefundListed(
            **r.model_dump(),
            credit_note_number=format_credit_note(numbers[r.id]) if r.id in numbers else None,
        )
        for r in refunds.data
    ]
    return Page[RefundListed](data=items, next_cursor=refunds.next_cursor)


def _seller(settings: Settings) -> Party:
    return Party(name=settings.seller_name, address=settings.seller_address)


async def _buyer(session: AsyncSession, invoice: Invoice) -> tuple[Party, orders.OrderForPayment]:
    order = await orders.get_order(session, invoice.order_id, _RENDERER)
    name = invoice.buyer_name or _buyer_name(order.shipping_address)
    if not name:  # issued before names were kept: the account's name now
        contact = (await users.contacts(session, [order.user_id])).get(order.user_id)
        name = contact.name if contact else invoice.buyer_email
    party = Party(
        name=name, email=invoice.buyer_email, address=_address_line(order.shipping_address)
    )
    return party, order


def _heading(
    settings: Settings, order: orders.OrderForPayment, buyer: Party, issued_at: datetime
) -> dict[str, Any]:
    """What an invoice and its credit notes both state: the order, the date, the parties."""
    return {
        "order_id": order.id,
        "order_number": order.number,
        "issued_at": issued_at,
        "seller": _seller(settings),
        "buyer": buyer,
    }


async def _invoice_out(session: AsyncSession, settings: Settings, invoice: Invoice) -> InvoiceOut:
    buyer, order = await _buyer(session, invoice)
    paid, refunded = await payments.captured_and_refunded(session, order.id)
    lines = (await orders.get_order_out(session, order.id, _RENDERER)).items
    return InvoiceOut(
        id=invoice.id,
        number=format_number(invoice.number),
        **_heading(settings, order, buyer, invoice.issued_at),
        shipping_address=order.shipping_address,
        lines=lines,
        total=order.total,
        currency=order.currency,
        amount_paid=paid,
        amount_refunded=refunded,
        payment_status=_payment_status(paid, refunded),
    )


async def _credit_note_out(
    session: AsyncSession, settings: Settings, note: CreditNote
) -> CreditNoteOut:
    invoice = await repository.invoice(session, note.invoice_id)
    assert invoice is not None, "a credit note always names its invoice"
    buyer, order = await _buyer(session, invoice)
    return CreditNoteOut(
        id=note.id,
        number=format_credit_note(note.number),
        invoice_number=format_number(invoice.number),
        refund_id=note.refund_id,
        payment_id=note.payment_id,
        **_heading(settings, order, buyer, note.issued_at),
        amount=note.amount,
        currency=note.currency,
        reason=note.reason,
    )


def _payment_status(paid: Decimal, refunded: Decimal) -> Any:
    if refunded <= 0:
        return "paid"
    return "refunded" if refunded >= paid else "partially_refunded"


def _buyer_name(address: dict[str, Any] | None) -> str | None:
    return str(address["name"]) if address and address.get("name") else None


def _address_line(address: dict[str, Any] | None) -> str | None:
    if not address:
        return None
    parts = [address.get(k) for k in ("line1", "line2", "postal_code", "city", "region", "country")]
    return ", ".join(str(p) for p in parts if p)


async def keys_in_use(session: AsyncSession) -> set[str]:
    return await repository.keys_in_use(session)
