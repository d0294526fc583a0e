from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from platform_server.core.access import OrderBuyer as Buyer
from platform_server.core.access import OrderStaff as Staff
from platform_server.core.container import Slot
from platform_server.core.database import DbSession
from platform_server.core.errors import PROBLEM_JSON, problem_body
from platform_server.core.idempotency import Idempotent, creates
from platform_server.core.pagination import Page, PageQuery
from platform_server.payments import service
from platform_server.payments.gateway import Gateway
from platform_server.payments.schemas import PaymentIn, PaymentOut, RefundIn, RefundOut

router = APIRouter(tags=["payments"])
GATEWAY: Slot[Gateway] = Slot("payment gateway")
GatewayDep = Annotated[Gateway, Depends(GATEWAY.provide)]


@creates(
    router,
    "/orders/{id}/payments",
    summary="Pay an order",
    responses={402: {"description": "Declined; the order stays payable"}},
)
async def pay_order(
    id: uuid.UUID,
    payload: PaymentIn,
    request: Request,
    gateway: GatewayDep,
    idem: Idempotent,
    session: DbSession,
    actor: Buyer,
) -> PaymentOut | Response:
    """Charges the order total and issues its invoice.

    Sandbox tokens: `pm_card_ok`, `pm_card_declined` (402), `pm_card_insufficient_funds`
    (402), `pm_card_error` (502, nothing charged)."""
    outcome = await service.pay(session, gateway, id, payload.payment_method, actor, idem.key)
    if isinstance(outcome, service.Declined):
        # Answered, not raised: the failed attempt is committed and listed with the order.
        failed = PaymentOut.model_validate(outcome.payment)
        body = problem_body(
            402,
            f"{outcome.message} The order is still payable.",
            request.url.path,
            title="Payment declined",
            extra={"decline_code": outcome.code, "payment": jsonable_encoder(failed)},
        )
        return JSONResponse(body, status_code=402, media_type=PROBLEM_JSON)
    out = PaymentOut.model_validate(outcome)
    return out


@router.get("/orders/{id}/payments", summary="Payments of an order")
async def list_payments(
    id: uuid.UUID, session: DbSession, page: PageQuery, actor: Buyer
) -> Page[PaymentOut]:
    return await service.list_for_order(session, id, actor, page)


@router.get("/payments/{id}", summary="A payment")
async def get_payment(id: uuid.UUID, session: DbSession, actor: Buyer) -> PaymentOut:
    """The buyer's or, for staff, anyone's; what was charged, refunded, and in which currency."""
    return await service.get_payment(session, id, actor)


@creates(router, "/payments/{id}/refunds", summary="Refund a payment (staff)")
async def refund_payment(
    id: uuid.UUID, payload: RefundIn, gateway: GatewayDep, session: DbSession, actor: Staff
) -> RefundOut | Response:
    """Partial refunds allowed; the total refunded never exceeds what was captured.
    A full refund moves the order to `refunded`."""
    return await service.refund(session, gateway, id, payload.amount, payload.reason, actor)
