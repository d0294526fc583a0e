"""Paying an order through the gateway, and refunds that never exceed what was captured."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.audit import api as audit
from platform_server.core.database import utcnow
from platform_server.core.errors import Conflict, NotFound, ProblemError, Unprocessable
from platform_server.core.money import quantize
from platform_server.core.pagination import Page, PageParams
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.events import api as events
from platform_server.observability import metrics
from platform_server.orders import api as orders
from platform_server.payments import hooks, repository
from platform_server.payments.gateway import (
    Gateway,
    GatewayUnavailable,
    PaymentDeclined,
    SandboxGateway,
    looks_like_card_number,
)
from platform_server.payments.models import Payment, Refund
from platform_server.payments.schemas import PaymentOut, RefundOut

_TOKEN = re.compile(r"^pm_[A-Za-z0-9_]{1,96}$")


@dataclass(frozen=True)
class Declined:
    payment: Payment
    code: str
    message: str


def _check_token(token: str, gateway: Gateway) -> None:
    def bad(msg: str) -> Unprocessable:
        return Unprocessable(msg, errors=[{"loc": ["body", "payment_method"], "msg": msg}])

    if looks_like_card_number(token):
        raise bad("Card numbers are never accepted; pay with a provider token such as pm_card_ok.")
    if not _TOKEN.match(token):
        raise bad("A payment method is a provider token starting with pm_.")
    if isinstance(gateway, SandboxGateway) and token not in SandboxGateway.TOKENS:
        raise bad("Unknown sandbox token; use one of: " + ", ".join(SandboxGateway.TOKENS) + ".")


async def pay(
    session: AsyncSession,
    gateway: Gateway,
    order_id: uuid.UUID,
    token: str,
    actor: Principal,
    attempt_key: str | None,
) -> Payment | Declined:
    _check_token(token, gateway)
    order = await orders.get_order(session, order_id, actor, lock=True)
    if order.status != "pending":
        raise Conflict(
            f"Order {order.id} is {order.status}; only a pending order can be paid.",
            current_status=order.status,
        )
    if order.expires_at is not None and order.expires_at <= utcnow():
        raise Conflict(
            f"Order {order.id} expired unpaid; place it again.", current_status="expired"
        )
    # The same client key maps to the same provider key: a retry never charges twice.
    provider_key = f"{order.id}:{attempt_key or uuid.uuid4().hex}"
    payment = Payment(
        order_id=order.id,
        reference=await _next_reference(session, Payment, order),
        user_id=order.user_id,
        amount=order.total,
        currency=order.currency,
        payment_method=token,
        gateway=gateway.name,
        status="failed",
    )
    try:
        charge = await gateway.charge(
            amount=order.total, currency=order.currency, token=token, idempotency_key=provider_key
        )
    except PaymentDeclined as declined:
        payment.failure_code, payment.failure_message = declined.code, declined.message
        await repository.add(session, payment)
        out = PaymentOut.model_validate(payment)
        await events.record(session, "payment.failed", "payment", payment.id, out)
        return Declined(payment, declined.code, declined.message)
    except GatewayUnavailable as exc:
        raise ProblemError(
            f"{exc} Nothing was charged; retry with the same Idempotency-Key.", status=502
        ) from exc
    payment.status = "succeeded"
    payment.gateway_reference = charge.reference
    await repository.add(session, payment)
    await orders.transition(session, order.id, "paid", actor.user_id, f"payment {payment.id}")
    await hooks.order_paid.emit(session, order.id, order.user_email)
    revenue = metrics.REVENUE.labels(order.currency)
    metrics.count_after_commit(session, revenue, metrics.money(order.total))
    return payment


async def _next_reference(
    session: AsyncSession, model: type[Payment] | type[Refund], order: orders.OrderForPayment
) -> str:
    """`#1001-P2`: the order's number, P (payment) or R (refund), and a count per order.
    The caller holds the order's row lock, so two attempts never take the same count."""
    letter = "P" if model is Payment else "R"
    count = await repository.count_for_order(session, model, order.id)
    return f"#{order.number}-{letter}{count + 1}"


async def list_for_order(
    session: AsyncSession, order_id: uuid.UUID, actor: Principal, page: PageParams
) -> Page[PaymentOut]:
    order = await orders.get_order(session, order_id, actor)
    return await repository.page_for_order(session, order.id, page)


async def get_payment(session: AsyncSession, payment_id: uuid.UUID, actor: Principal) -> PaymentOut:
    """A payment, to its buyer or staff (anyone else: NotFound, as for a missing one)."""
    found = await repository.get(session, payment_id)
    if found is None:
        raise NotFound(f"Payment {payment_id} does not exist.")
    try:
        await orders.get_order(session, found.order_id, actor)
    except NotFound:
        raise NotFound(f"Payment {payment_id} does not exist.") from None
    return PaymentOut.model_validate(found)


async def list_refunds(
    session: AsyncSession, payment_id: uuid.UUID, actor: Principal, page: PageParams
) -> Page[RefundOut]:
    """A payment's refunds, newest first, with the payment's authorisation."""
    payment = await get_payment(session, payment_id, actor)
    return await repository.refunds_page(session, payment.id, page)


async def refund(
    session: AsyncSession,
    gateway: Gateway,
    payment_id: uuid.UUID,
    amount: Decimal | None,
    reason: str | None,
    actor: Principal,
    *,
    settle_order: bool = True,
    audit_as: Principal | None = None,
) -> RefundOut:
    """Staff's refund (`settle_order`: a full one moves the order to refunded) or one of
    a cancel's (the cancel moves the order). Either way it is audited (as `audit_as`,
    the person cancelling, when given) and emits `payment.refunded`, so the trail, the
    event stream and webhooks see cancellation refunds as they see explicit ones."""
    found = await repository.get(session, payment_id)
    if found is None or not actor.can(Permission.ORDERS_MANAGE):
        raise NotFound(f"Payment {payment_id} does not exist.")
    # Always the order, then the payment (as cancelling does), reloaded under the lock:
    # concurrent refunds and cancels then queue instead of deadlocking or overspending.
    order = await orders.locked(session, found.order_id)
    payment = await repository.locked(session, payment_id)
    assert payment is not None
    if payment.status != "succeeded":
        raise Conflict(f"Payment {payment.id} {payment.status}; there is nothing to refund.")
    remaining = payment.amount - payment.refunded_amount
    if remaining <= 0:
        raise Unprocessable(
            f"Payment {payment.id} is already refunded in full ({payment.refunded_amount:f} "
            f"{payment.currency}); there is nothing left to refund.",
            errors=[{"loc": ["body", "amount"], "msg": "nothing left to refund"}],
        )
    value = remaining if amount is None else quantize(amount, payment.currency)
    if value <= 0 or value > remaining:
        raise Unprocessable(
            f"A refund must be above 0 and at most the {remaining:f} {payment.currency} "
            "not yet refunded.",
            errors=[
                {
                    "loc": ["body", "amount"],
                    "msg": f"must be above 0 and at most {remaining:f} {payment.currency}",
                }
            ],
        )
    try:
        reference = await gateway.refund(
            charge_reference=payment.gateway_reference or "",
            amount=value,
            currency=payment.currency,
            idempotency_key=f"{payment.id}:{payment.refunded_amount:f}:{value:f}",
        )
    except GatewayUnavailable as exc:
        raise ProblemError(f"{exc} Nothing was refunded; try again.", status=502) from exc
    record = Refund(
        payment_id=payment.id,
        order_id=payment.order_id,
        reference=await _next_reference(session, Refund, order) if order else None,
        amount=value,
        currency=payment.currency,
        reason=reason,
        gateway_reference=reference,
        actor_id=actor.user_id,
    )
    await repository.add(session, record)
    payment.refunded_amount += value
    fully_refunded = payment.refunded_amount == payment.amount
    if settle_order and fully_refunded and order and orders.can_become(order.status, "refunded"):
        await orders.transition(session, order.id, "refunded", actor.user_id, "refunded in full")
    await repository.flush(session)
    out = RefundOut.model_validate(record)
    await hooks.refunded.emit(
        session,
        hooks.Refunded(
            out.id,
            out.payment_id,
            out.order_id,
            out.amount,
            out.currency,
            out.reason,
            out.created_at,
        ),
    )
    await _audit_refund(session, audit_as or actor, payment.refunded_amount, out)
    await events.record(session, "payment.refunded", "refund", out.id, out)
    return out


async def _audit_refund(
    session: AsyncSession, actor: Principal, refunded: Decimal, out: RefundOut
) -> None:
    await audit.record(
        session,
        "payment.refund",
        actor=actor,
        target_type="payment",
        target_id=out.payment_id,
        changes={
            "refunded_amount": {"before": f"{refunded - out.amount:f}", "after": f"{refunded:f}"},
            "refund_id": str(out.id),
            "refund_reference": out.reference,
            "order_id": str(out.order_id),
            "amount": f"{out.amount:f}",
            "currency": out.currency,
            "reason": out.reason,
        },
    )


def make_refund_all(gateway: Gateway) -> orders.RefundAll:
    async def refund_all(session: AsyncSession, order_id: uuid.UUID, actor: Principal) -> None:
        # The caller holds the order's lock; the payments are locked and re-read in refund().
        payments = await repository.succeeded_ids(session, order_id)
        # Refunds on the cancel's behalf (the cancel was authorised), audited as its actor.
        system = Principal(
            user_id=actor.user_id,
            email="",
            role="admin",
            permissions=frozenset({Permission.ORDERS_MANAGE}),
        )
        for payment_id in payments:
            fresh = await repository.locked(session, payment_id)
            if fresh is not None and fresh.refunded_amount < fresh.amount:
                await refund(
                    session,
                    gateway,
                    payment_id,
                    None,
                    "order cancelled",
                    system,
                    settle_order=False,
                    audit_as=actor,
                )

    return refund_all


async def captured_and_refunded(
    session: AsyncSession, order_id: uuid.UUID
) -> tuple[Decimal, Decimal]:
    paid = refunded = Decimal(0)
    for payment in await repository.succeeded(session, order_id):
        paid += payment.amount
        refunded += payment.refunded_amount
    return paid, refunded
