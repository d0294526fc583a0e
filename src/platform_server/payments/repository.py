"""Every statement on the payments and refunds tables."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.pagination import Page, PageParams, newest_first
from platform_server.payments.models import Payment, Refund
from platform_server.payments.schemas import PaymentOut, RefundOut


async def add(session: AsyncSession, record: Payment | Refund) -> None:
    session.add(record)
    await session.flush()


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def get(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    return await session.get(Payment, payment_id)


async def locked(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    """The payment, re-read under a row lock."""
    return await session.get(Payment, payment_id, with_for_update=True, populate_existing=True)


async def page_for_order(
    session: AsyncSession, order_id: uuid.UUID, page: PageParams
) -> Page[PaymentOut]:
    stmt = select(Payment).where(Payment.order_id == order_id)
    return await newest_first(session, stmt, Payment, page, PaymentOut.model_validate)


async def succeeded_ids(session: AsyncSession, order_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(Payment.id).where(Payment.order_id == order_id, Payment.status == "succeeded")
    )
    return list(rows)


async def succeeded(session: AsyncSession, order_id: uuid.UUID) -> list[Payment]:
    rows = await session.scalars(
        select(Payment).where(Payment.order_id == order_id, Payment.status == "succeeded")
    )
    return list(rows)


async def count_for_order(
    session: AsyncSession, model: type[Payment] | type[Refund], order_id: uuid.UUID
) -> int:
    found = await session.scalar(
        select(func.count()).select_from(model).where(model.order_id == order_id)
    )
    return int(found or 0)


async def refunds_page(
    session: AsyncSession, payment_id: uuid.UUID, page: PageParams
) -> Page[RefundOut]:
    stmt = select(Refund).where(Refund.payment_id == payment_id)
    return await newest_first(session, stmt, Refund, page, RefundOut.model_validate)
