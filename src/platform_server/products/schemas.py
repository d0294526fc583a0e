from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from platform_server.core.money import Currency, MoneyIn, MoneyOut
from platform_server.core.schemas import IdPrefix, InputModel, OutputModel, PatchModel, PricedOut
from platform_server.inventory.api import InventoryOut

ProductStatus = Literal["active", "archived"]
SortName = Literal["price", "-price", "name", "-name", "created_at", "-created_at", "relevance"]
Sku = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")]
ProductName = Annotated[str, Field(min_length=1, max_length=255)]
Category = Annotated[str, Field(min_length=1, max_length=100)]
Description = Annotated[str, Field(max_length=5000)]
Attributes = Annotated[dict[str, Any], Field(max_length=50)]


def _check_attributes(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is not None and len(str(value)) > 10_000:
        raise ValueError("attributes are limited to about 10,000 characters")
    return value


class ProductCreate(InputModel):
    sku: Sku
    name: ProductName
    description: Description = ""
    price: MoneyIn
    currency: Currency = "USD"
    category: Category
    attributes: Attributes = Field(default_factory=dict)
    status: ProductStatus = "active"
    stock: Annotated[int, Field(ge=0, le=100_000_000, description="Initial units on hand")] = 0
    low_stock_threshold: Annotated[int, Field(ge=0, le=1_000_000)] = 5

    _attributes = field_validator("attributes")(_check_attributes)


class ProductFilters(BaseModel):
    """The query of `GET /products`: every filter is optional."""

    q: str | None = Field(None, max_length=200, description="Full-text search")
    sku: str | None = Field(None, max_length=64, description="The product with this SKU")
    id_prefix: IdPrefix | None = None
    category: str | None = Field(None, max_length=100)
    min_price: MoneyIn | None = None
    max_price: MoneyIn | None = None
    in_stock: bool | None = None
    status: ProductStatus | None = Field(None, description="Staff only; others always see active")
    sort: SortName | None = Field(None, description="Default: relevance with q, else -created_at")


class ProductUpdate(PatchModel):
    sku: Sku | None = None
    name: ProductName | None = None
    description: Description | None = None
    price: MoneyIn | None = None
    currency: Currency | None = None
    category: Category | None = None
    attributes: Attributes | None = None
    status: ProductStatus | None = None

    _attributes = field_validator("attributes")(_check_attributes)


ImageVariant = Literal["original", "800", "200"]


class ImageRenditionOut(OutputModel):
    name: ImageVariant
    url: str = Field(description="Relative to the API's base URL; immutable, cacheable")
    width: int
    height: int
    size_bytes: int


class ProductImageOut(OutputModel):
    id: uuid.UUID
    product_id: uuid.UUID
    filename: str = Field(description="The uploaded file's name, sanitised")
    content_type: Literal["image/jpeg", "image/png", "image/webp"]
    width: int
    height: int
    size_bytes: int
    position: int
    is_primary: bool
    url: str = Field(description="The original (metadata stripped), relative to the base URL")
    variants: list[ImageRenditionOut] = Field(description="Fitted in 800 and 200 px squares")
    created_at: datetime


class ImageOrderIn(InputModel):
    image_ids: Annotated[
        list[uuid.UUID],
        Field(
            min_length=1,
            max_length=50,
            json_schema_extra={"uniqueItems": True},
            description="Every image of the product, each once, in order",
        ),
    ]

    @field_validator("image_ids")
    @classmethod
    def _once_each(cls, value: list[uuid.UUID]) -> list[uuid.UUID]:
        if len(set(value)) != len(value):
            raise ValueError("an image is named more than once")
        return value


class ProductOut(PricedOut):
    MONEY = ("price",)

    id: uuid.UUID
    sku: str
    name: str
    description: str
    price: MoneyOut
    currency: str
    category: str
    attributes: dict[str, Any]
    status: ProductStatus
    inventory: InventoryOut | None = None
    images: list[ProductImageOut] = Field(
        default_factory=list, description="Its pictures in order; the primary one first"
    )
    created_at: datetime
    updated_at: datetime


class CategoryOut(OutputModel):
    name: str
    product_count: int


class ProductDeleted(OutputModel):
    id: uuid.UUID
    result: Literal["deleted", "archived"] = Field(
        description="`archived` when orders refer to the product, else `deleted`"
    )


class BatchIn(InputModel):
    items: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=1000)]
    dry_run: bool = Field(False, description="Validate every item and change nothing")
    create_categories: bool = Field(
        False,
        description="Allow categories no product has yet; without it such an item fails "
        "(`unknown category`), so a typo does not start a new category",
    )


class BatchItemResult(OutputModel):
    index: int
    sku: str | None
    result: Literal["created", "updated", "unchanged", "error", "valid"]
    id: uuid.UUID | None = None
    errors: list[dict[str, Any]] | None = None


class BatchOut(OutputModel):
    created: int
    updated: int
    unchanged: int
    failed: int
    results: list[BatchItemResult]
