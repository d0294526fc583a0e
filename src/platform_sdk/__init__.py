"""Typed Python SDK of the Platform API.

>>> from platform_sdk import Client
>>> with Client(api_key="plat_...") as client:
...     me = client.users.me()
"""

from ._async_client import AsyncClient
from ._client import Client
from ._pagination import AsyncPage, SyncPage
from ._response import APIResponse
from ._retry import RetryPolicy
from ._types import NULL, CreateOptions, NullType, RequestOptions
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
)
from .models import (
    ApiKey,
    ApiKeyCreated,
    HealthStatus,
    PlatformModel,
    Profile,
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
    "Client",
    "ConflictError",
    "CreateOptions",
    "HealthStatus",
    "InternalServerError",
    "NotFoundError",
    "NullType",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PlatformError",
    "PlatformModel",
    "Profile",
    "RateLimitError",
    "RequestOptions",
    "RetryPolicy",
    "Session",
    "SyncPage",
    "TokenPair",
    "UnprocessableEntityError",
    "User",
    "__version__",
]
