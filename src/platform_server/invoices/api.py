"""The invoices domain's public interface: an order's invoice (issued when it is paid,
through `payments.api.order_paid`)."""

from platform_server.invoices.service import for_order, issue

__all__ = ["for_order", "issue"]
