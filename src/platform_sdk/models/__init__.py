"""Response models. Every one keeps unknown fields (``extra="allow"``).

Each module is imported on first use of one of its names, so a program calling one
resource pays for that resource's models only (see ``platform_sdk._lazy``).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._base import PlatformModel
    from .api_keys import ApiKey, ApiKeyCreated
    from .audit import AuditRecord
    from .auth import MfaEnrollment, MfaRecoveryCodes, Session, TokenPair
    from .bulk import BulkCounts, BulkError, BulkJob, BulkProgress, BulkRequester
    from .catalog import (
        Batch,
        BatchItemResult,
        Category,
        ImageRendition,
        Inventory,
        Movement,
        Product,
        ProductDeleted,
        ProductImage,
    )
    from .events import Event, EventActor
    from .health import HealthStatus
    from .invoices import CreditNote, Invoice, Party
    from .notifications import Notification
    from .orders import Order, OrderItem, OrderTransition
    from .payments import Payment, Refund, RefundListed
    from .stats import CurrencyAmount, Overview, OverviewTrends
    from .users import Accepted, Profile, User
    from .webhooks import (
        WebhookDelivery,
        WebhookDeliveryDetail,
        WebhookEndpoint,
        WebhookEndpointCreated,
        WebhookSecret,
    )

__all__ = [
    "Accepted",
    "ApiKey",
    "ApiKeyCreated",
    "AuditRecord",
    "Batch",
    "BatchItemResult",
    "BulkCounts",
    "BulkError",
    "BulkJob",
    "BulkProgress",
    "BulkRequester",
    "Category",
    "CreditNote",
    "CurrencyAmount",
    "Event",
    "EventActor",
    "HealthStatus",
    "ImageRendition",
    "Inventory",
    "Invoice",
    "MfaEnrollment",
    "MfaRecoveryCodes",
    "Movement",
    "Notification",
    "Order",
    "OrderItem",
    "OrderTransition",
    "Overview",
    "OverviewTrends",
    "Party",
    "Payment",
    "PlatformModel",
    "Product",
    "ProductDeleted",
    "ProductImage",
    "Profile",
    "Refund",
    "RefundListed",
    "Session",
    "TokenPair",
    "User",
    "WebhookDelivery",
    "WebhookDeliveryDetail",
    "WebhookEndpoint",
    "WebhookEndpointCreated",
    "WebhookSecret",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "._base": ("PlatformModel",),
        ".api_keys": ("ApiKey", "ApiKeyCreated"),
        ".audit": ("AuditRecord",),
        ".bulk": ("BulkCounts", "BulkError", "BulkJob", "BulkProgress", "BulkRequester"),
        ".auth": ("MfaEnrollment", "MfaRecoveryCodes", "Session", "TokenPair"),
        ".catalog": (
            "Batch",
            "BatchItemResult",
            "Category",
            "ImageRendition",
            "Inventory",
            "Movement",
            "Product",
            "ProductDeleted",
            "ProductImage",
        ),
        ".events": ("Event", "EventActor"),
        ".health": ("HealthStatus",),
        ".invoices": ("CreditNote", "Invoice", "Party"),
        ".notifications": ("Notification",),
        ".orders": ("Order", "OrderItem", "OrderTransition"),
        ".payments": ("Payment", "Refund", "RefundListed"),
        ".stats": ("CurrencyAmount", "Overview", "OverviewTrends"),
        ".users": ("Accepted", "Profile", "User"),
        ".webhooks": (
            "WebhookDelivery",
            "WebhookDeliveryDetail",
            "WebhookEndpoint",
            "WebhookEndpointCreated",
            "WebhookSecret",
        ),
    },
)
