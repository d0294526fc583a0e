"""Small shared types: the NULL sentinel, per-call options and client modes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal, Required, TypeAlias, TypedDict, TypeVar, final
from uuid import UUID

if TYPE_CHECKING:
    import httpx

# A string so that this module, imported by ``import platform_sdk``, does not load httpx.
Timeout: TypeAlias = "float | httpx.Timeout | None"
"""Seconds, an ``httpx.Timeout``, or ``None`` for no timeout at all."""


@final
class NullType:
    """Type of :data:`NULL`: sends JSON ``null`` where ``None`` would leave the field out."""

    _instance: NullType | None = None

    def __new__(cls) -> NullType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NULL"

    def __bool__(self) -> Literal[False]:
        return False

    def __reduce__(self) -> str:
        return "NULL"


NULL: Final = NullType()

Progress = Callable[[int, "int | None"], None]
"""``progress(done, total)``, called as a file's bytes go out or come in (``total`` is
``None`` when unknown)."""


class RequestOptions(TypedDict, total=False):
    """Keyword arguments every SDK method accepts."""

    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, object]
    timeout: Timeout


class PageOptions(RequestOptions, total=False):
    """Keyword arguments of list methods: the page size and where to start."""

    limit: int | None
    cursor: str | None


class CreateOptions(RequestOptions, total=False):
    """Keyword arguments of methods that create something (``POST`` with idempotency)."""

    idempotency_key: str


class DownloadOptions(RequestOptions, total=False):
    """Keyword arguments of methods that stream a file to a path or file object."""

    progress: Progress | None


class UploadOptions(RequestOptions, total=False):
    """Keyword arguments of methods that upload a file: the name it is sent under (by
    default the path's or file object's own) and ``progress``."""

    filename: str | None
    progress: Progress | None


class CreateUploadOptions(UploadOptions, CreateOptions, total=False):
    """Keyword arguments of an upload that creates something (``POST`` with idempotency)."""


# Phantom markers: resources are generic over one of these so a single method definition
# types as ``T`` on Client, ``Awaitable[T]`` on AsyncClient and ``APIResponse[T]`` on
# ``with_raw_response`` (see ``_endpoints``).
class Sync:
    pass


class Async:
    pass


class SyncRaw:
    pass


class AsyncRaw:
    pass


Role = Literal["admin", "staff", "customer"]
UserStatus = Literal["active", "suspended"]
ProductStatus = Literal["active", "archived"]
ProductSort = Literal["price", "-price", "name", "-name", "created_at", "-created_at", "relevance"]
OrderStatus = Literal[
    "pending", "paid", "fulfilled", "shipped", "delivered", "cancelled", "expired", "refunded"
]

Money = Decimal | str
"""An amount: a ``Decimal`` or a decimal string such as ``"19.99"`` (never a float)."""


class OrderItemParam(TypedDict):
    """One line of ``orders.create(items=[...])``; the price comes from the catalog.

    A TypedDict, so a type checker refuses a misspelt key (``{"qty": 2}``) or a missing one.
    """

    product_id: UUID | str
    quantity: int


class ShippingAddressParam(TypedDict, total=False):
    """``shipping_address`` of ``orders.create``; ``country`` is ISO 3166-1 alpha-2."""

    name: Required[str]
    line1: Required[str]
    line2: str
    city: Required[str]
    postal_code: Required[str]
    region: str
    country: Required[str]


class ProductBatchItemParam(TypedDict, total=False):
    """One item of ``products.batch(items=[...])``: the fields of ``products.create``
    (created, or updated when the ``sku`` exists)."""

    sku: Required[str]
    name: Required[str]
    price: Required[Money]
    category: Required[str]
    description: str
    currency: str
    attributes: Mapping[str, object]
    status: ProductStatus
    stock: int
    low_stock_threshold: int


M = TypeVar("M", Sync, Async, SyncRaw, AsyncRaw)
"""The mode marker of a resource; see ``_endpoints``."""
