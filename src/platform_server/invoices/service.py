from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.errors import Conflict
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings
from platform_server.invoices.models import Invoice, InvoiceSequence
from platform_server.invoices.schemas import InvoiceOut, Party
from platform_server.orders import service as orders
from platform_server.payments import service as payments

if TYPE_CHECKING:
    from platform_server.orders.models import Order


def format_number(number: int) -> str:
    return f"INV-{number:06d}"


async def _next_number(session: AsyncSession) -> int:
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


async def issue(session: AsyncSession, order: Order) -> Invoice:
    existing = await session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    if existing is not None:
        return existing
    invoice = Invoice(
        order_id=order.id, number=await _next_number(session), buyer_email=order.user_email
    )
    session.add(invoice)
    await session.flush()
    return invoice


async def for_order(
    session: AsyncSession, settings: Settings, order_id: uuid.UUID, actor: Principal
) -> InvoiceOut:
    order = await orders.get_order(session, order_id, actor)
    invoice = await session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    if invoice is None:
        raise Conflict(
            f"Order {order.id} is {order.status}; invoices exist for paid orders only.",
            current_status=order.status,
        )
    paid, refunded = await payments.captured_and_refunded(session, order.id)
    out = await orders.to_out(session, order)
    return InvoiceOut(
        id=invoice.id,
        number=format_number(invoice.number),
        order_id=order.id,
        issued_at=invoice.issued_at,
        seller=Party(name=settings.seller_name, address=settings.seller_address),
        buyer=Party(
            name=_buyer_name(order.shipping_address) or invoice.buyer_email,
            email=invoice.buyer_email,
            address=_address_line(order.shipping_address),
        ),
        shipping_address=order.shipping_address,
        lines=out.items,
        total=order.total,
        currency=order.currency,
        amount_paid=paid,
        amount_refunded=refunded,
        payment_status=_payment_status(paid, refunded),
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
