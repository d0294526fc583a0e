from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from platform_server.auth.deps import requires
from platform_server.core.database import DbSession
from platform_server.core.errors import PROBLEM_JSON, problem_body
from platform_server.core.idempotency import Idempotent
from platform_server.core.pagination import Page, PageQuery
from platform_server.core.permissions import Permission
from platform_server.core.principal import Principal
from platform_server.payments import service
from platform_server.payments.schemas import PaymentIn, PaymentOut, RefundIn, RefundOut

router = APIRouter(tags=["payments"])
Buyer = Annotated[Principal, requires(Permission.ORDERS_WRITE)]
Staff = Annotated[Principal, requires(Permission.ORDERS_MANAGE)]


@router.post(
    "/orders/{id}/payments",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentOut,
    summary="Pay an order",
    responses={402: {"description": "Declined; the order stays payable"}},
)
async def pay_order(
    id: uuid.UUID,
    payload: PaymentIn,
    request: Request,
    idem: Idempotent,
    session: DbSession,
    actor: Buyer,
) -> PaymentOut | Response:
    """Charges the order total and issues its invoice.

    Sandbox tokens: `pm_card_ok`, `pm_card_declined` (402), `pm_card_insufficient_funds`
    (402), `pm_card_error` (502, nothing charged)."""
    replay = await idem.begin(actor.caller_key, payload)
    if replay is not None:
        return replay
    outcome = await service.pay(
        session, request.app.state.gateway, id, payload.payment_method, actor, idem.key
    )
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
        await idem.complete(session, 402, body)
        return JSONResponse(body, status_code=402, media_type=PROBLEM_JSON)
    out = PaymentOut.model_validate(outcome)
    await idem.complete(session, status.HTTP_201_CREATED, out)
    return out


@router.get(
    "/orders/{id}/payments", response_model=Page[PaymentOut], summary="Payments of an order"
)
async def list_payments(
    id: uuid.UUID, session: DbSession, page: PageQuery, actor: Buyer
) -> Page[PaymentOut]:
    return await service.list_for_order(session, id, actor, page)


@router.post(
    "/payments/{id}/refunds",
    status_code=status.HTTP_201_CREATED,
    response_model=RefundOut,
    summary="Refund a payment (staff)",
)
async def refund_payment(
    id: uuid.UUID,
    payload: RefundIn,
    request: Request,
    idem: Idempotent,
    session: DbSession,
    actor: Staff,
) -> RefundOut | Response:
    """Partial refunds allowed; the total refunded never exceeds what was captured.
    A full refund moves the order to `refunded`."""
    replay = await idem.begin(actor.caller_key, payload)
    if replay is not None:
        return replay
    out = await service.refund(
        session, request.app.state.gateway, id, payload.amount, payload.reason, actor
    )
    await idem.complete(session, status.HTTP_201_CREATED, out)
    return out
