"""Typed Python SDK of the Platform API.

>>> from platform_sdk import Client
>>> with Client(api_key="plat_...") as client:
...     me = client.users.me()
"""

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
from ._version import __version__
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
    Batch,
    BatchItemResult,
    Category,
    HealthStatus,
    Inventory,
    Invoice,
    Movement,
    Order,
    OrderItem,
    OrderTransition,
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
    "AuthenticationError",
    "BadRequestError",
    "Batch",
    "BatchItemResult",
    "Category",
    "Client",
    "ConflictError",
    "CreateOptions",
    "HealthStatus",
    "InternalServerError",
    "Inventory",
    "Invoice",
    "Movement",
    "NotFoundError",
    "NullType",
    "Order",
    "OrderItem",
    "OrderItemParam",
    "OrderTransition",
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
    "WebhookVerificationError",
    "__version__",
    "webhooks",
]
