from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from platform_server.core.money import MoneyIn, MoneyOut
from platform_server.core.schemas import InputModel, PricedOut


class PaymentIn(InputModel):
    payment_method: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100,
            description="A provider token such as `pm_card_ok`; never a card number",
            # What service._TOKEN takes (the sandbox takes only its own test tokens).
            json_schema_extra={"pattern": r"^pm_[A-Za-z0-9_]{1,96}$"},
        ),
    ]


class RefundIn(InputModel):
    amount: MoneyIn | None = Field(None, description="Default: everything not yet refunded")
    reason: Annotated[str, Field(max_length=500)] | None = None


class PaymentOut(PricedOut):
    MONEY = ("amount", "refunded_amount")

    id: uuid.UUID
    reference: str | None = Field(
        description="What people quote: `#1001-P1` is order #1001's first payment attempt"
    )
    order_id: uuid.UUID
    amount: MoneyOut
    currency: str
    status: Literal["succeeded", "failed"]
    payment_method: str
    gateway: str
    failure_code: str | None
    failure_message: str | None
    refunded_amount: MoneyOut
    created_at: datetime


class RefundOut(PricedOut):
    MONEY = ("amount",)

    id: uuid.UUID
    reference: str | None = Field(
        description="What people quote: `#1001-R1` is order #1001's first refund"
    )
    payment_id: uuid.UUID
    order_id: uuid.UUID
    amount: MoneyOut
    currency: str
    reason: str | None
    created_at: datetime
