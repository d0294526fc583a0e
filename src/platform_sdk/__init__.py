"""Typed Python SDK of the Platform API.

>>> from platform_sdk import Client
>>> with Client(api_key="plat_...") as client:
...     me = client.users.me()

Public names load on first use (see ``_lazy``): a program that only uses ``Client`` never
imports the async client, pydantic models of resources it does not call, or the webhook
verifier.
"""

from typing import TYPE_CHECKING

from . import models  # cheap: the package imports a model's module on first use
from ._lazy import lazy_exports
from ._version import __version__

if TYPE_CHECKING:
    from . import errors as errors
    from . import webhooks
    from ._async_client import AsyncClient
    from ._client import Client
    from ._files import Downloaded
    from ._pagination import AsyncPage, AsyncPaginator, SyncPage
    from ._response import APIResponse
    from ._retry import RetryNotice, RetryPolicy
    from ._types import (
        NULL,
        CreateOptions,
        NullType,
        OrderItemParam,
        ProductBatchItemParam,
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
        MfaRequiredError,
        NotFoundError,
        PayloadTooLargeError,
        PaymentRequiredError,
        PermissionDeniedError,
        PlatformError,
        RangeNotSatisfiableError,
        RateLimitError,
        ServiceUnavailableError,
        UnprocessableEntityError,
        UnsupportedMediaTypeError,
        WebhookVerificationError,
    )
    from .models import *  # noqa: F403 - the names of models.__all__, added below

__all__ = [
    "NULL",
    "APIConnectionError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncPage",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "CreateOptions",
    "Downloaded",
    "InternalServerError",
    "MfaRequiredError",
    "NotFoundError",
    "NullType",
    "OrderItemParam",
    "PayloadTooLargeError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PlatformError",
    "ProductBatchItemParam",
    "RangeNotSatisfiableError",
    "RateLimitError",
    "RequestOptions",
    "RetryNotice",
    "RetryPolicy",
    "ServiceUnavailableError",
    "ShippingAddressParam",
    "SyncPage",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
    "WebhookVerificationError",
    "__version__",
    "webhooks",
]
__all__ += models.__all__  # every response model

_MODULES: dict[str, tuple[str, ...]] = {
    "._async_client": ("AsyncClient",),
    "._client": ("Client",),
    "._files": ("Downloaded",),
    "._pagination": ("AsyncPage", "AsyncPaginator", "SyncPage"),
    "._response": ("APIResponse",),
    "._retry": ("RetryNotice", "RetryPolicy"),
    "._types": (
        "NULL",
        "CreateOptions",
        "NullType",
        "OrderItemParam",
        "ProductBatchItemParam",
        "RequestOptions",
        "ShippingAddressParam",
    ),
    ".webhooks": ("webhooks",),
    ".errors": ("errors", *(name for name in __all__ if name.endswith("Error"))),
}
_MODULES[".models"] = ("models", *models.__all__)

__getattr__, __dir__ = lazy_exports(__name__, _MODULES)
