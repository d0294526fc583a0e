"""Product images as the API shows them (`ProductImageOut`, with their URLs)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.products import repository
from platform_server.products.models import ProductImage
from platform_server.products.schemas import ImageRenditionOut, ProductImageOut, ProductOut
from platform_server.storage.lifecycle import delete_after_commit


def image_url(image: ProductImage, variant: str) -> str:
    return f"/api/v1/products/{image.product_id}/images/{image.id}/{variant}"


def image_out(image: ProductImage) -> ProductImageOut:
    variants = [
        ImageRenditionOut(
            name=name,
            url=image_url(image, name),
            width=r["width"],
            height=r["height"],
            size_bytes=r["size"],
        )
        for name, r in image.renditions.items()
        if name != "original"
    ]
    return ProductImageOut(
        id=image.id,
        product_id=image.product_id,
        filename=image.filename,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=image.size_bytes,
        position=image.position,
        is_primary=image.is_primary,
        url=image_url(image, "original"),
        variants=variants,
        created_at=image.created_at,
    )


async def attach(session: AsyncSession, products: Sequence[ProductOut]) -> None:
    """Fill in each product's `images` (one query for the lot)."""
    by_product: dict[uuid.UUID, list[ProductImageOut]] = {}
    for image in await repository.images_of(session, [p.id for p in products]):
        by_product.setdefault(image.product_id, []).append(image_out(image))
    for product in products:
        product.images = by_product.get(product.id, [])


async def forget_all(session: AsyncSession, product_id: uuid.UUID) -> None:
    """A deleted product's images: rows now, objects once the delete has committed."""
    images = await repository.images_of(session, [product_id])
    await repository.delete_images_of(session, product_id)
    delete_after_commit(session, [k for i in images for k in keys_of(i)])


def keys_of(image: ProductImage) -> list[str]:
    return [r["key"] for r in image.renditions.values()]
