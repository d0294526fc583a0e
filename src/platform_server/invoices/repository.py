"""Every statement on the invoices tables."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.invoices.models import Invoice, InvoiceSequence


async def for_order(session: AsyncSession, order_id: uuid.UUID) -> Invoice | None:
    return await session.scalar(select(Invoice).where(Invoice.order_id == order_id))


async def next_number(session: AsyncSession) -> int:
    bumped = await session.scalar(
        update(InvoiceSequence)
        .where(InvoiceSequence.id == 1)
        .values(last_number=InvoiceSequence.last_number + 1)
        .returning(InvoiceSequence.last_number)
    )
    if bumped is None:  # the first invoice ever; the migration seeds the row too
        session.add(InvoiceSequence(id=1, last_number=1))
        await session.flush()
        return 1
    return int(bumped)


async def add(session: AsyncSession, invoice: Invoice) -> None:
    session.add(invoice)
    await session.flush()
