"""Response models. Every one keeps unknown fields (``extra="allow"``)."""

from ._base import PlatformModel
from .api_keys import ApiKey, ApiKeyCreated
from .auth import Session, TokenPair
from .catalog import Batch, BatchItemResult, Category, Inventory, Movement, Product, ProductDeleted
from .health import HealthStatus
from .invoices import Invoice, Party
from .orders import Order, OrderItem, OrderTransition
from .payments import Payment, Refund
from .users import Profile, User

__all__ = [
    "ApiKey",
    "ApiKeyCreated",
    "Batch",
    "BatchItemResult",
    "Category",
    "HealthStatus",
    "Inventory",
    "Invoice",
    "Movement",
    "Order",
    "OrderItem",
    "OrderTransition",
    "Party",
    "Payment",
    "PlatformModel",
    "Product",
    "ProductDeleted",
    "Profile",
    "Refund",
    "Session",
    "TokenPair",
    "User",
]
