"""One module per URL subtree; each resource class declares its endpoints once.

A module (and its models) is imported when its resource is first used: the client's
properties reach the classes through this package's lazy attributes.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .api_keys import ApiKeys
    from .audit import Audit
    from .auth import Auth, Sessions
    from .bulk import Bulk, BulkExports, BulkImports, BulkJobs
    from .categories import Categories
    from .events import Events
    from .health import Health
    from .notifications import Notifications
    from .orders import OrderPayments, Orders
    from .payments import Payments, Refunds
    from .product_images import ProductImages
    from .products import ProductInventory, Products
    from .stats import Stats
    from .users import Profiles, Users
    from .webhooks import WebhookDeliveries, Webhooks

__all__ = [
    "ApiKeys",
    "Audit",
    "Auth",
    "Bulk",
    "BulkExports",
    "BulkImports",
    "BulkJobs",
    "Categories",
    "Events",
    "Health",
    "Notifications",
    "OrderPayments",
    "Orders",
    "Payments",
    "ProductImages",
    "ProductInventory",
    "Products",
    "Profiles",
    "Refunds",
    "Sessions",
    "Stats",
    "Users",
    "WebhookDeliveries",
    "Webhooks",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".api_keys": ("ApiKeys",),
        ".audit": ("Audit",),
        ".auth": ("Auth", "Sessions"),
        ".bulk": ("Bulk", "BulkExports", "BulkImports", "BulkJobs"),
        ".categories": ("Categories",),
        ".events": ("Events",),
        ".health": ("Health",),
        ".notifications": ("Notifications",),
        ".orders": ("OrderPayments", "Orders"),
        ".payments": ("Payments", "Refunds"),
        ".product_images": ("ProductImages",),
        ".products": ("ProductInventory", "Products"),
        ".stats": ("Stats",),
        ".users": ("Profiles", "Users"),
        ".webhooks": ("WebhookDeliveries", "Webhooks"),
    },
)
