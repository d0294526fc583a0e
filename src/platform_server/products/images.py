"""Product images: upload, list, order, the primary one, delete, and what to serve.

An upload is checked and re-encoded (`imaging`), its renditions written under random
keys, and only then is its row inserted: the row never names an object that is not
there. Storage is written before the request's first statement, so on SQLite the
single writer is not held while bytes travel to S3.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from platform_server.core.errors import Conflict, NotFound, found
from platform_server.core.principal import Principal
from platform_server.products import image_views, repository, service
from platform_server.products.image_views import image_out
from platform_server.products.models import ProductImage
from platform_server.products.schemas import ImageVariant, ProductImageOut
from platform_server.storage import imaging
from platform_server.storage.base import Storage, random_key
from platform_server.storage.lifecycle import delete_after_commit, discard_on_error
from platform_server.storage.serving import safe_filename

MAX_IMAGES = 20


async def upload(
    session: AsyncSession,
    storage: Storage,
    product_id: uuid.UUID,
    data: bytes,
    filename: str | None,
    *,
    max_pixels: int,
    actor: Principal,
) -> ProductImageOut:
    processed = await anyio.to_thread.run_sync(lambda: imaging.process(data, max_pixels=max_pixels))
    renditions = {}
    async with discard_on_error(storage) as written:
        for rendition in processed.renditions:
            key = random_key("images")
            await storage.put_bytes(key, rendition.data, content_type=processed.content_type)
            written.append(key)
            renditions[rendition.name] = {
                "key": key,
                "width": rendition.width,
                "height": rendition.height,
                "size": len(rendition.data),
            }
        await service.get_product(session, product_id, actor)
        existing = await repository.images_of(session, [product_id])
        if len(existing) >= MAX_IMAGES:
            raise Conflict(f"A product has at most {MAX_IMAGES} images; delete one first.")
        original = processed.original
        name = safe_filename(filename, fallback=f"image.{processed.extension}")
        image = ProductImage(
            product_id=product_id,
            position=max((i.position for i in existing), default=-1) + 1,
            is_primary=not existing,
            filename=name,
            content_type=processed.content_type,
            width=original.width,
            height=original.height,
            size_bytes=len(original.data),
            renditions=renditions,
        )
        await repository.add_image(session, image)
        added = {"image": {"new": {"id": str(image.id), "filename": name}}}
        await service.audit_product(session, "product.image.add", actor, product_id, added)
        await service.announce_images_changed(session, product_id)
    return image_out(image)


async def list_images(
    session: AsyncSession, product_id: uuid.UUID, actor: Principal | None
) -> list[ProductImageOut]:
    await service.get_product(session, product_id, actor)
    return [image_out(i) for i in await repository.images_of(session, [product_id])]


async def reorder(
    session: AsyncSession, product_id: uuid.UUID, order: Sequence[uuid.UUID], actor: Principal
) -> list[ProductImageOut]:
    await service.get_product(session, product_id, actor)
    images = {i.id: i for i in await repository.images_of(session, [product_id])}
    if set(order) != set(images):
        # The list was made from another state of the product (an image added or
        # removed since, or ids of another product's): a conflict with what is there now.
        raise Conflict(
            "image_ids must name every image the product has now, each once; list them again.",
            errors=[{"loc": ["body", "image_ids"], "msg": "not the product's current images"}],
        )
    for position, image_id in enumerate(order):
        images[image_id].position = position
    await repository.save_images(session)
    await _audit(session, "product.image.reorder", actor, product_id, [str(i) for i in order])
    await service.announce_images_changed(session, product_id)
    return [image_out(i) for i in await repository.images_of(session, [product_id])]


async def set_primary(
    session: AsyncSession, product_id: uuid.UUID, image_id: uuid.UUID, actor: Principal
) -> ProductImageOut:
    await service.get_product(session, product_id, actor)
    images = await repository.images_of(session, [product_id])
    chosen = found(
        next((i for i in images if i.id == image_id), None),
        f"Image {image_id} of product {product_id} does not exist.",
    )
    for image in images:
        image.is_primary = image is chosen
    await repository.save_images(session)
    await _audit(session, "product.image.primary", actor, product_id, str(image_id))
    await service.announce_images_changed(session, product_id)
    return image_out(chosen)


async def delete(
    session: AsyncSession, product_id: uuid.UUID, image_id: uuid.UUID, actor: Principal
) -> None:
    await service.get_product(session, product_id, actor)
    image = found(
        await repository.image(session, product_id, image_id),
        f"Image {image_id} of product {product_id} does not exist.",
    )
    was_primary, keys = image.is_primary, image_views.keys_of(image)
    await repository.delete_image(session, image)
    if was_primary:
        rest = await repository.images_of(session, [product_id])
        if rest:
            min(rest, key=lambda i: i.position).is_primary = True
            await repository.save_images(session)
    delete_after_commit(session, keys)
    await _audit(session, "product.image.remove", actor, product_id, str(image_id))
    await service.announce_images_changed(session, product_id)


@dataclass(frozen=True, slots=True)
class Served:
    key: str
    filename: str
    public: bool  # an active product's image: anyone may cache it


async def rendition(
    session: AsyncSession,
    product_id: uuid.UUID,
    image_id: uuid.UUID,
    variant: ImageVariant,
    actor: Principal | None,
) -> Served:
    """What to serve for an image URL, under the product's visibility (archived
    products' images are for staff only)."""
    product = await service.get_product(session, product_id, actor)
    image = await repository.image(session, product_id, image_id)
    if image is None or variant not in image.renditions:
        raise NotFound(f"Image {image_id} of product {product_id} does not exist.")
    stem, _, ext = image.filename.rpartition(".")
    name = image.filename if variant == "original" else f"{stem or ext}-{variant}.{ext}"
    return Served(image.renditions[variant]["key"], name, product.status == "active")


async def keys_in_use(session: AsyncSession) -> set[str]:
    return {
        r["key"]
        for renditions in await repository.image_renditions(session)
        for r in renditions.values()
    }


async def _audit(
    session: AsyncSession, action: str, actor: Principal, product_id: uuid.UUID, what: object
) -> None:
    await service.audit_product(session, action, actor, product_id, {"images": {"new": what}})
