"""The payments domain's public interface: what other domains may call."""

from platform_server.payments.hooks import order_paid
from platform_server.payments.service import captured_and_refunded, make_refund_all

__all__ = ["captured_and_refunded", "make_refund_all", "order_paid"]
