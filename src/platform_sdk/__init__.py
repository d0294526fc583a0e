"""Typed Python SDK of the Platform API.

>>> from platform_sdk import Client
>>> with Client(api_key="plat_...") as client:
...     me = client.users.me()

Public names load on first use (see ``_lazy``): a program that only uses ``Client`` never
imports the async client, pydantic models of resources it does not call, or the webhook
verifier.
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import __version__

if TYPE_CHECKING:
    from . import errors as errors
    from . import models as models
    from . import webhooks
    from ._async_client import AsyncClient
    from ._client import Client
    from ._pagination import AsyncPage, SyncPage
    from ._response import APIResponse
    from ._retry import RetryPolicy
    from ._types import (
        NULL,
        CreateOptions,
        NullType,
        OrderItemParam,
        RequestOptions,
        ShippingAddressParam,
    )
    from .errors import (
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        InternalServerError,
        NotFoundError,
        PaymentRequiredError,
        PermissionDeniedError,
        PlatformError,
        RateLimitError,
        UnprocessableEntityError,
        WebhookVerificationError,
    )
    from .models import (
        ApiKey,
        ApiKeyCreated,
        AuditRecord,
        Batch,
        BatchItemResult,
        Category,
        CurrencyAmount,
        Event,
        EventActor,
        HealthStatus,
        Inventory,
        Invoice,
        Movement,
        Notification,
        Order,
        OrderItem,
        OrderTransition,
        Overview,
        OverviewTrends,
        Party,
        Payment,
        PlatformModel,
        Product,
        ProductDeleted,
        Profile,
        Refund,
        Session,
        TokenPair,
        User,
        WebhookDelivery,
        WebhookDeliveryDetail,
        WebhookEndpoint,
        WebhookEndpointCreated,
        WebhookSecret,
    )

__all__ = [
    "NULL",
    "APIConnectionError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ApiKey",
    "ApiKeyCreated",
    "AsyncClient",
    "AsyncPage",
    "AuditRecord",
    "AuthenticationError",
    "BadRequestError",
    "Batch",
    "BatchItemResult",
    "Category",
    "Client",
    "ConflictError",
    "CreateOptions",
    "CurrencyAmount",
    "Event",
    "EventActor",
    "HealthStatus",
    "InternalServerError",
    "Inventory",
    "Invoice",
    "Movement",
    "NotFoundError",
    "Notification",
    "NullType",
    "Order",
    "OrderItem",
    "OrderItemParam",
    "OrderTransition",
    "Overview",
    "OverviewTrends",
    "Party",
    "Payment",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PlatformError",
    "PlatformModel",
    "Product",
    "ProductDeleted",
    "Profile",
    "RateLimitError",
    "Refund",
    "RequestOptions",
    "RetryPolicy",
    "Session",
    "ShippingAddressParam",
    "SyncPage",
    "TokenPair",
    "UnprocessableEntityError",
    "User",
    "WebhookDelivery",
    "WebhookDeliveryDetail",
    "WebhookEndpoint",
    "WebhookEndpointCreated",
    "WebhookSecret",
    "WebhookVerificationError",
    "__version__",
    "webhooks",
]

_MODULES: dict[str, tuple[str, ...]] = {
    "._async_client": ("AsyncClient",),
    "._client": ("Client",),
    "._pagination": ("AsyncPage", "SyncPage"),
    "._response": ("APIResponse",),
    "._retry": ("RetryPolicy",),
    "._types": (
        "NULL",
        "CreateOptions",
        "NullType",
        "OrderItemParam",
        "RequestOptions",
        "ShippingAddressParam",
    ),
    ".webhooks": ("webhooks",),
    ".errors": ("errors", *(name for name in __all__ if name.endswith("Error"))),
}
_ELSEWHERE = {name for names in _MODULES.values() for name in names}
# Every other public name is a response model.
_MODULES[".models"] = (
    "models",
    *(name for name in __all__ if name not in _ELSEWHERE and name != "__version__"),
)

__getattr__, __dir__ = lazy_exports(__name__, _MODULES)
