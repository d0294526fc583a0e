"""HTTP for product images (the service is `products/images.py`)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile, status

from platform_server.core.access import CatalogStaff as Staff
from platform_server.core.access import OptionalPrincipal
from platform_server.core.container import SettingsDep
from platform_server.core.database import DbSession
from platform_server.core.idempotency import creates
from platform_server.core.pagination import Page
from platform_server.products import images
from platform_server.products.schemas import ImageOrderIn, ImageVariant, ProductImageOut
from platform_server.storage.factory import StorageDep
from platform_server.storage.serving import (
    IMAGE_TYPES,
    IMMUTABLE,
    PRIVATE,
    download_responses,
    serve,
)
from platform_server.storage.uploads import UPLOAD_RESPONSES, read_upload

router = APIRouter(tags=["products"])
# The paths that take a multipart file instead of JSON (the request middleware's list).
UPLOAD_PATHS = (re.compile(r"/api/v1/products/[^/]+/images"),)


@creates(
    router, "/products/{id}/images", summary="Upload a product image", responses=UPLOAD_RESPONSES
)
async def upload_image(
    id: uuid.UUID,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP image")],
    settings: SettingsDep,
    storage: StorageDep,
    session: DbSession,
    actor: Staff,
) -> ProductImageOut:
    """Staff only; multipart/form-data with one `file`. The type is read from the
    bytes; EXIF and other metadata are stripped; 800 and 200 px variants are made.
    The first image of a product becomes its primary one. With `Idempotency-Key`, a
    retry with the same file answers the first upload again."""
    data = await read_upload(file, settings.upload_max_bytes)
    return await images.upload(
        session, storage, id, data, file.filename, max_pixels=settings.image_max_pixels, actor=actor
    )


@router.get("/products/{id}/images", summary="A product's images")
async def list_images(
    id: uuid.UUID, session: DbSession, actor: OptionalPrincipal
) -> Page[ProductImageOut]:
    """Every image (one page: a product has at most 20), the primary one first."""
    return Page(data=await images.list_images(session, id, actor), next_cursor=None)


@router.put("/products/{id}/images/order", summary="Reorder a product's images")
async def reorder_images(
    id: uuid.UUID, payload: ImageOrderIn, session: DbSession, actor: Staff
) -> Page[ProductImageOut]:
    """`image_ids` names every image of the product once, in the new order."""
    found = await images.reorder(session, id, payload.image_ids, actor)
    return Page(data=found, next_cursor=None)


@router.post("/products/{id}/images/{image_id}/primary", summary="Make an image the primary one")
async def set_primary_image(
    id: uuid.UUID, image_id: uuid.UUID, session: DbSession, actor: Staff
) -> ProductImageOut:
    return await images.set_primary(session, id, image_id, actor)


@router.delete(
    "/products/{id}/images/{image_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a product image",
)
async def delete_image(
    id: uuid.UUID, image_id: uuid.UUID, session: DbSession, actor: Staff
) -> Response:
    """Its stored files go once the deletion has committed; the next image in order
    becomes primary if this one was."""
    await images.delete(session, id, image_id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/products/{id}/images/{image_id}/{variant}",
    summary="Download a product image",
    response_class=Response,
    responses=download_responses("The image's bytes", IMAGE_TYPES),
)
async def download_image(
    request: Request,
    id: uuid.UUID,
    image_id: uuid.UUID,
    variant: ImageVariant,
    settings: SettingsDep,
    storage: StorageDep,
    session: DbSession,
    actor: OptionalPrincipal,
) -> Response:
    """No sign-in needed for an active product's images; their URLs never change
    content, so they are cached for a year. `Range` is honoured."""
    served = await images.rendition(session, id, image_id, variant, actor)
    return await serve(
        request,
        storage,
        served.key,
        filename=served.filename,
        cache_control=IMMUTABLE if served.public else PRIVATE,
        presign_seconds=settings.s3_presign_seconds,
    )
