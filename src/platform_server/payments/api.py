"""The payments domain's public interface: what other domains may call."""

from platform_server.payments.hooks import Refunded, order_paid, refunded
from platform_server.payments.schemas import RefundOut
from platform_server.payments.service import captured_and_refunded, list_refunds, make_refund_all

__all__ = [
    "RefundOut",
    "Refunded",
    "captured_and_refunded",
    "list_refunds",
    "make_refund_all",
    "order_paid",
    "refunded",
]
