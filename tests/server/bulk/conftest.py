"""The bulk tests use the commerce helpers (products, orders, payments as the admin)."""

from tests.server.commerce.conftest import shop

__all__ = ["shop"]
