from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import Field

from ._base import PlatformModel


class Inventory(PlatformModel):
    """Stock of one product: ``available`` is ``on_hand`` minus what orders reserve."""

    product_id: UUID
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int
    updated_at: datetime


class Movement(PlatformModel):
    """One entry of a product's stock ledger."""

    id: UUID
    product_id: UUID
    delta: int
    on_hand_after: int
    kind: str
    reason: str
    actor_id: UUID | None = None
    order_id: UUID | None = None
    created_at: datetime


class ImageRendition(PlatformModel):
    """A resized copy of a product image (``name`` "800" or "200": the square it fits)."""

    name: str
    url: str
    width: int
    height: int
    size_bytes: int


class ProductImage(PlatformModel):
    """A product's picture; ``url`` and the variants' URLs are relative to the base URL
    and never change content (download with ``products.images.download``)."""

    id: UUID
    product_id: UUID
    filename: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    position: int
    is_primary: bool
    url: str
    variants: list[ImageRendition] = Field(default_factory=list)
    created_at: datetime


class Product(PlatformModel):
    id: UUID
    sku: str
    name: str
    description: str = ""
    price: Decimal
    currency: str
    category: str
    attributes: dict[str, Any] = Field(default_factory=dict)
    status: str
    inventory: Inventory | None = None
    images: list[ProductImage] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class Category(PlatformModel):
    name: str
    product_count: int


class ProductDeleted(PlatformModel):
    """``result`` is ``"archived"`` when orders refer to the product, else ``"deleted"``."""

    id: UUID
    result: str


class BatchItemResult(PlatformModel):
    """``result``: created, updated, unchanged, error, or valid (on a dry run)."""

    index: int
    sku: str | None = None
    result: str
    id: UUID | None = None
    errors: list[dict[str, Any]] | None = None


class Batch(PlatformModel):
    """Outcome of ``products.batch``: counts and one result per item, in order."""

    created: int
    updated: int
    unchanged: int
    failed: int
    results: list[BatchItemResult]
