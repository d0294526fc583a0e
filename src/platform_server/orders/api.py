"""The orders domain's public interface (thin: only what other packages call so far)."""

from platform_server.orders.service import expire_overdue

__all__ = ["expire_overdue"]
