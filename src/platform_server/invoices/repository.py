"""Every statement on the invoices tables."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.invoices.models import CreditNote, Invoice, InvoiceSequence

INVOICES, CREDIT_NOTES = 1, 2  # the sequences' rows


async def for_order(session: AsyncSession, order_id: uuid.UUID) -> Invoice | None:
    return await session.scalar(select(Invoice).where(Invoice.order_id == order_id))


async def invoice(session: AsyncSession, invoice_id: uuid.UUID) -> Invoice | None:
    return await session.get(Invoice, invoice_id)


async def credit_note(session: AsyncSession, note_id: uuid.UUID) -> CreditNote | None:
    return await session.get(CreditNote, note_id)


async def credit_note_of(
    session: AsyncSession, payment_id: uuid.UUID, refund_id: uuid.UUID
) -> CreditNote | None:
    return await session.scalar(
        select(CreditNote).where(
            CreditNote.refund_id == refund_id, CreditNote.payment_id == payment_id
        )
    )


async def credit_note_numbers(
    session: AsyncSession, refund_ids: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not refund_ids:
        return {}
    rows = await session.execute(
        select(CreditNote.refund_id, CreditNote.number).where(CreditNote.refund_id.in_(refund_ids))
    )
    return {refund_id: number for refund_id, number in rows}


async def next_number(session: AsyncSession, sequence: int = INVOICES) -> int:
    bumped = await session.scalar(
        update(InvoiceSequence)
        .where(InvoiceSequence.id == sequence)
        .values(last_number=InvoiceSequence.last_number + 1)
        .returning(InvoiceSequence.last_number)
    )
    if bumped is None:  # the first number ever; the migrations seed the rows too
        session.add(InvoiceSequence(id=sequence, last_number=1))
        await session.flush()
        return 1
    return int(bumped)


async def add(session: AsyncSession, row: Invoice | CreditNote) -> None:
    session.add(row)
    await session.flush()


async def set_keys(
    session: AsyncSession,
    model: type[Invoice] | type[CreditNote],
    row_id: uuid.UUID,
    pdf_key: str,
    json_key: str,
) -> bool:
    """Record the stored documents unless another writer already did (False then)."""
    done = await session.execute(
        update(model)
        .where(model.id == row_id, model.pdf_key.is_(None))
        .values(pdf_key=pdf_key, json_key=json_key)
        .execution_options(synchronize_session=False)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


async def keys_in_use(session: AsyncSession) -> set[str]:
    found: set[str] = set()
    for model in (Invoice, CreditNote):
        for pdf_key, json_key in await session.execute(select(model.pdf_key, model.json_key)):
            found.update(k for k in (pdf_key, json_key) if k)
    return found
