from __future__ import annotations

from functools import cached_property
from typing import Unpack
from uuid import UUID

from .._endpoints import Call, Resource, endpoint
from .._types import CreateOptions, M, Money, RequestOptions
from ..models import Payment, Refund
from ._calls import fields, one


class Refunds(Resource[M]):
    @endpoint("POST", "/api/v1/payments/{id}/refunds", creates=True)
    def create(
        self,
        payment_id: UUID | str,
        *,
        amount: Money | None = None,
        reason: str | None = None,
        **options: Unpack[CreateOptions],
    ) -> Call[Refund]:
        """Refund a payment (staff): ``amount`` defaults to everything not yet refunded.

        Never more than was captured in total; a full refund moves the order to
        ``refunded``.
        """
        return one(Refund, options, id=payment_id, body=fields(locals(), "payment_id"))


class Payments(Resource[M]):
    """Payments are made through ``orders.payments``; this subtree holds their refunds."""

    @endpoint("GET", "/api/v1/payments/{id}")
    def get(self, payment_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Payment]:
        """One payment (its buyer, or staff): amount, currency and what was refunded."""
        return one(Payment, options, id=payment_id)

    @cached_property
    def refunds(self) -> Refunds[M]:
        return Refunds(self._executor, raw=self._raw)
