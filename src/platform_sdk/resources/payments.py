from __future__ import annotations

from typing import Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, SubResource, endpoint, paginated
from .._files import Downloaded, FileTarget
from .._types import CreateOptions, DownloadOptions, M, Money, PageOptions, RequestOptions
from ..models import CreditNote, Payment, Refund, RefundListed
from ._calls import saved


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
        ...

    @paginated("GET", "/api/v1/payments/{id}/refunds")
    def list(
        self, payment_id: UUID | str, **options: Unpack[PageOptions]
    ) -> PageCall[RefundListed]:
        """The payment's refunds, newest first (its buyer, or staff), a cancellation's
        included, each with its ``reference`` (``#1001-R1``) and ``credit_note_number``."""
        ...

    @endpoint("GET", "/api/v1/payments/{id}/refunds/{refund_id}/credit-note")
    def credit_note(
        self, payment_id: UUID | str, refund_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[CreditNote]:
        """The refund's credit note (``CN-000001``), issued with the refund; the customer
        whose order it is or staff."""
        ...

    @endpoint("GET", "/api/v1/payments/{id}/refunds/{refund_id}/credit-note")
    def download_credit_note(
        self,
        payment_id: UUID | str,
        refund_id: UUID | str,
        to: FileTarget,
        **options: Unpack[DownloadOptions],
    ) -> Call[Downloaded]:
        """Stream the credit note's stored PDF to a path or binary file object (the same
        bytes every time)."""
        path = {"id": payment_id, "refund_id": refund_id}
        return saved(options, to, accept="application/pdf", path=path)


class Payments(Resource[M]):
    """Payments are made through ``orders.payments``; this subtree holds their refunds."""

    @endpoint("GET", "/api/v1/payments/{id}")
    def get(self, payment_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Payment]:
        """One payment (its buyer, or staff): amount, currency and what was refunded."""
        ...

    refunds: SubResource[Refunds[M]] = SubResource(lambda: Refunds)
