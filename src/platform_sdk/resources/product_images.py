from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, endpoint, paginated
from .._files import Downloaded, FileSource, FileTarget
from .._types import CreateUploadOptions, DownloadOptions, M, RequestOptions
from ..models import ProductImage
from ._calls import many, saved, uploaded

ImageVariant = Literal["original", "800", "200"]


class ProductImages(Resource[M]):
    """A product's pictures: JPEG, PNG or WebP, stored without metadata, with 800 and
    200 px variants. Uploads and downloads stream from and to files."""

    @endpoint("POST", "/api/v1/products/{id}/images", creates=True)
    def add(
        self, product_id: UUID | str, file: FileSource, **options: Unpack[CreateUploadOptions]
    ) -> Call[ProductImage]:
        """Upload an image (staff) from a path or a binary file object, streamed.

        ``filename`` defaults to the path's name; ``progress(sent, total)`` is called
        as bytes go out. Sent with an ``Idempotency-Key`` (``idempotency_key``, or one
        made per call), so a retry after a lost answer never adds the image twice.
        """
        return uploaded(ProductImage, file, options, id=product_id)

    @paginated("GET", "/api/v1/products/{id}/images")
    def list(
        self, product_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> PageCall[ProductImage]:
        """Every image of the product (one page), the primary one first."""
        ...

    @paginated("PUT", "/api/v1/products/{id}/images/order")
    def reorder(
        self,
        product_id: UUID | str,
        image_ids: Sequence[UUID | str],
        **options: Unpack[RequestOptions],
    ) -> PageCall[ProductImage]:
        """Put the images in this order (every image of the product, once)."""
        body = {"image_ids": [str(i) for i in image_ids]}
        return many(ProductImage, options, id=product_id, body=body)

    @endpoint("POST", "/api/v1/products/{id}/images/{image_id}/primary")
    def set_primary(
        self, product_id: UUID | str, image_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[ProductImage]:
        """Make this image the product's primary one."""
        ...

    @endpoint("DELETE", "/api/v1/products/{id}/images/{image_id}")
    def remove(
        self, product_id: UUID | str, image_id: UUID | str, **options: Unpack[RequestOptions]
    ) -> Call[None]:
        """Delete the image and its stored files (staff)."""
        ...

    @endpoint("GET", "/api/v1/products/{id}/images/{image_id}/{variant}")
    def download(
        self,
        product_id: UUID | str,
        image_id: UUID | str,
        to: FileTarget,
        *,
        variant: ImageVariant = "original",
        **options: Unpack[DownloadOptions],
    ) -> Call[Downloaded]:
        """Stream the image (or a variant) to a path or a binary file object.

        Follows a redirect to a presigned URL when the server gives one (S3).
        """
        path = {"id": product_id, "image_id": image_id, "variant": variant}
        return saved(options, to, accept="image/*", path=path)
