from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Unpack
from uuid import UUID

from .. import resources
from .._endpoints import Call, PageCall, Resource, SubResource, endpoint, paginated
from .._types import (
    CreateOptions,
    M,
    Money,
    PageOptions,
    ProductBatchItemParam,
    ProductSort,
    ProductStatus,
    RequestOptions,
)
from ..models import Batch, Inventory, Movement, Product, ProductDeleted
from ._calls import one, only


class ProductInventory(Resource[M]):
    """Stock of a product and its ledger (staff)."""

    @endpoint("GET", "/api/v1/products/{id}/inventory")
    def get(self, product_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Inventory]: ...

    @endpoint("POST", "/api/v1/products/{id}/inventory/adjustments")
    def adjust(
        self,
        product_id: UUID | str,
        *,
        delta: int,
        reason: str,
        low_stock_threshold: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Inventory]:
        """Add (``delta`` > 0) or remove units on hand, recorded in the ledger.

        Never below what orders reserve (``ConflictError``). Not retried: repeating it
        would adjust twice.
        """
        ...

    @paginated("GET", "/api/v1/products/{id}/inventory/adjustments")
    def ledger(self, product_id: UUID | str, **options: Unpack[PageOptions]) -> PageCall[Movement]:
        """Every change of on-hand stock (adjustments, fulfilled orders), newest first."""
        ...


class Products(Resource[M]):
    @endpoint("POST", "/api/v1/products", creates=True)
    def create(
        self,
        *,
        sku: str,
        name: str,
        price: Money,
        category: str,
        description: str | None = None,
        currency: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        status: ProductStatus | None = None,
        stock: int | None = None,
        low_stock_threshold: int | None = None,
        **options: Unpack[CreateOptions],
    ) -> Call[Product]:
        """Create a product (staff); ``stock`` sets the initial units on hand."""
        ...

    @paginated("GET", "/api/v1/products")
    def list(
        self,
        *,
        q: str | None = None,
        category: str | None = None,
        min_price: Money | None = None,
        max_price: Money | None = None,
        in_stock: bool | None = None,
        status: ProductStatus | None = None,
        sort: ProductSort | None = None,
        sku: str | None = None,
        id_prefix: str | None = None,
        **options: Unpack[PageOptions],
    ) -> PageCall[Product]:
        """List or search (``q``, full text) products.

        ``sku`` finds the product with that SKU; ``id_prefix`` those whose id starts with
        these 8 or more hex digits.

        ``status`` filters for staff only; others always see active products. ``sort``
        defaults to relevance with ``q``, else newest first.
        """
        ...

    @endpoint("GET", "/api/v1/products/{id}")
    def get(self, product_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Product]: ...

    @endpoint("GET", "/api/v1/products")
    def get_by_sku(self, sku: str, **options: Unpack[RequestOptions]) -> Call[Product]:
        """The product with this SKU (``GET /products?sku=``); ``NotFoundError`` if none."""
        return only(Product, options, f"No product has the SKU {sku!r}.", {"sku": sku})

    @endpoint("PATCH", "/api/v1/products/{id}")
    def update(
        self,
        product_id: UUID | str,
        *,
        sku: str | None = None,
        name: str | None = None,
        description: str | None = None,
        price: Money | None = None,
        currency: str | None = None,
        category: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        status: ProductStatus | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Product]:
        """Change the given fields (staff); stock changes go through ``inventory.adjust``."""
        ...

    @endpoint("DELETE", "/api/v1/products/{id}")
    def delete(
        self, product_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[ProductDeleted]:
        """Delete the product, or archive it when orders refer to it (see ``result``)."""
        ...

    @endpoint("POST", "/api/v1/products/batch")
    def batch(
        self,
        *,
        items: Sequence[ProductBatchItemParam],
        dry_run: bool | None = None,
        create_categories: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Batch]:
        """Create or update up to 1,000 products by ``sku`` (staff).

        Each item has the fields of ``create`` (a ``ProductBatchItemParam``). Valid items
        are applied even when others fail; ``results`` has one entry per item.
        ``dry_run=True`` only validates. An item in a category no product has yet fails
        unless ``create_categories=True``.
        """
        body = {
            "items": [dict(item) for item in items],
            "dry_run": dry_run,
            "create_categories": create_categories,
        }
        return one(Batch, options, body=body)

    @paginated("GET", "/api/v1/products/{id}/recommendations")
    def recommendations(
        self, product_id: UUID | str, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> PageCall[Product]:
        """Products often bought together with this one, then popular ones of its category.

        A single page (``limit`` at most 20).
        """
        ...

    inventory: SubResource[ProductInventory[M]] = SubResource(lambda: ProductInventory)

    images: SubResource[resources.ProductImages[M]] = SubResource(lambda: resources.ProductImages)
