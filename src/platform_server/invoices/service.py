from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.errors import Conflict
from platform_server.core.principal import Principal
from platform_server.core.settings import Settings
from platform_server.invoices import repository
from platform_server.invoices.models import Invoice
from platform_server.invoices.schemas import InvoiceOut, Party
from platform_server.orders import api as orders
from platform_server.payments import api as payments


def format_number(number: int) -> str:
    return f"INV-{number:06d}"


async def issue(session: AsyncSession, order_id: uuid.UUID, buyer_email: str) -> Invoice:
    """The order's invoice, numbered from one sequence (the same one when it has one)."""
    existing = await repository.for_order(session, order_id)
    if existing is not None:
        return existing
    number = await repository.next_number(session)
    invoice = Invoice(order_id=order_id, number=number, buyer_email=buyer_email)
    await repository.add(session, invoice)
    return invoice


@payments.order_paid.connect
async def _order_paid(session: AsyncSession, order_id: uuid.UUID, buyer_email: str) -> None:
    await issue(session, order_id, buyer_email)


async def for_order(
    session: AsyncSession, settings: Settings, order_id: uuid.UUID, actor: Principal
) -> InvoiceOut:
    order = await orders.get_order(session, order_id, actor)
    invoice = await repository.for_order(session, order.id)
    if invoice is None:
        raise Conflict(
            f"Order {order.id} is {order.status}; invoices exist for paid orders only.",
            current_status=order.status,
        )
    paid, refunded = await payments.captured_and_refunded(session, order.id)
    lines = (await orders.get_order_out(session, order.id, actor)).items
    return InvoiceOut(
        id=invoice.id,
        number=format_number(invoice.number),
        order_id=order.id,
        order_number=order.number,
        issued_at=invoice.issued_at,
        seller=Party(name=settings.seller_name, address=settings.seller_address),
        buyer=Party(
            name=_buyer_name(order.shipping_address) or invoice.buyer_email,
            email=invoice.buyer_email,
            address=_address_line(order.shipping_address),
        ),
        shipping_address=order.shipping_address,
        lines=lines,
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
