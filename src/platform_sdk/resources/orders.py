from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, SubResource, endpoint, paginated, raw_bytes
from .._files import Downloaded, FileTarget
from .._types import (
    CreateOptions,
    DownloadOptions,
    M,
    OrderItemParam,
    OrderStatus,
    PageOptions,
    RequestOptions,
    ShippingAddressParam,
)
from ..models import Invoice, Order, OrderTransition, Payment
from ._calls import one, only, saved


class OrderPayments(Resource[M]):
    @endpoint("POST", "/api/v1/orders/{id}/payments", creates=True)
    def create(
        self, order_id: UUID | str, *, payment_method: str, **options: Unpack[CreateOptions]
    ) -> Call[Payment]:
        """Charge the order total with a provider token (``pm_...``) and issue the invoice.

        A declined card raises ``PaymentRequiredError`` (``decline_code``, ``payment``)
        and leaves the order payable. A provider failure is a 5xx, retried with the same
        ``Idempotency-Key`` so the order is charged at most once.
        """
        ...

    @paginated("GET", "/api/v1/orders/{id}/payments")
    def list(self, order_id: UUID | str, **options: Unpack[PageOptions]) -> PageCall[Payment]:
        """Every payment attempt of the order, failed ones included."""
        ...


class Orders(Resource[M]):
    @endpoint("POST", "/api/v1/orders", creates=True)
    def create(
        self,
        *,
        items: Sequence[OrderItemParam],
        shipping_address: ShippingAddressParam | None = None,
        **options: Unpack[CreateOptions],
    ) -> Call[Order]:
        """Place an order: ``items=[{"product_id": ..., "quantity": 2}]``.

        ``items`` and ``shipping_address`` are TypedDicts (``OrderItemParam``,
        ``ShippingAddressParam``): a type checker refuses an unknown or missing key.

        Reserves stock and prices the items from the catalog. Unknown or archived
        products raise ``UnprocessableEntityError``; short stock raises ``ConflictError``.
        """
        return one(
            Order,
            options,
            body={"items": [dict(item) for item in items], "shipping_address": shipping_address},
        )

    @paginated("GET", "/api/v1/orders")
    def list(
        self,
        *,
        status: OrderStatus | None = None,
        user_id: UUID | str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        q: str | None = None,
        number: int | None = None,
        id_prefix: str | None = None,
        **options: Unpack[PageOptions],
    ) -> PageCall[Order]:
        """Customers see their own orders; staff see everyone's (``user_id`` filters).

        ``q`` matches an order id or the buyer's email; ``number`` the order's number
        (``1001`` for ``#1001``); ``id_prefix`` ids that start with these 8 or more hex digits.
        """
        ...

    @endpoint("GET", "/api/v1/orders/{id}")
    def get(self, order_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Order]: ...

    @endpoint("GET", "/api/v1/orders")
    def get_by_number(self, number: int, **options: Unpack[RequestOptions]) -> Call[Order]:
        """The order numbered ``number`` (``#1001``: ``1001``), through ``GET /orders?number=``;
        ``NotFoundError`` if there is none the caller may see."""
        return only(Order, options, f"Order #{number} does not exist.", {"number": number})

    @paginated("GET", "/api/v1/orders/{id}/history")
    def history(
        self, order_id: UUID | str, **options: Unpack[PageOptions]
    ) -> PageCall[OrderTransition]:
        """Every status change with who made it and when, newest first."""
        ...

    @endpoint("POST", "/api/v1/orders/{id}/cancel")
    def cancel(
        self, order_id: UUID | str, *, note: str | None = None, **options: Unpack[RequestOptions]
    ) -> Call[Order]:
        """Cancel and release the reserved stock.

        Customers may cancel pending orders; staff may also cancel paid or fulfilled
        ones, which refunds the payment in full.
        """
        ...

    @endpoint("POST", "/api/v1/orders/{id}/fulfill")
    def fulfill(self, order_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Order]:
        """Mark a paid order fulfilled (staff); its units leave stock."""
        ...

    @endpoint("POST", "/api/v1/orders/{id}/ship")
    def ship(
        self,
        order_id: UUID | str,
        *,
        carrier: str,
        tracking_number: str,
        **options: Unpack[RequestOptions],
    ) -> Call[Order]:
        """Mark a fulfilled order shipped (staff)."""
        ...

    @endpoint("POST", "/api/v1/orders/{id}/deliver")
    def deliver(self, order_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Order]:
        """Mark a shipped order delivered (staff)."""
        ...

    @endpoint("GET", "/api/v1/orders/{id}/invoice")
    def invoice(self, order_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Invoice]:
        """The invoice of a paid order; an unpaid one raises ``ConflictError``."""
        ...

    @endpoint("GET", "/api/v1/orders/{id}/invoice")
    def invoice_pdf(self, order_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[bytes]:
        """The same invoice as a PDF document (the bytes of the file)."""
        return Call(
            parse=raw_bytes, accept="application/pdf", path_params={"id": order_id}, options=options
        )

    @endpoint("GET", "/api/v1/orders/{id}/invoice")
    def download_invoice(
        self, order_id: UUID | str, to: FileTarget, **options: Unpack[DownloadOptions]
    ) -> Call[Downloaded]:
        """Stream the invoice's stored PDF to a path or binary file object: stored when the
        order was paid, the same bytes (and ``etag``) every time."""
        return saved(options, to, accept="application/pdf", path={"id": order_id})

    payments: SubResource[OrderPayments[M]] = SubResource(lambda: OrderPayments)
