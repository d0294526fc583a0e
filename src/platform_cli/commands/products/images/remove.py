"""`platform products images remove` and `… set-primary`."""

from __future__ import annotations

from platform_cli.actions import find_listed
from platform_cli.commands.products.images.options import COLUMNS, ImageId
from platform_cli.commands.products.options import ProductId
from platform_cli.refs import product_id as resolve
from platform_cli.verbs import Change, Session, changing


def _image(session: Session, product_id: str, image_id: str) -> object:
    """The image as it is now (exit code 5 if the product has no such image)."""
    images = list(session.sdk.products.images.list(product_id))
    return find_listed(images, image_id, f"Product {product_id} has no image {image_id}.")


@changing(confirm=True)
def remove(session: Session, product_id: ProductId, image_id: ImageId) -> Change:
    """Delete a product image and its stored files (staff)."""
    product_id = resolve(session.sdk, product_id)
    return Change(
        action=f"remove image {image_id} of product {product_id}",
        fetch=lambda: _image(session, product_id, image_id),
        call=lambda: session.sdk.products.images.remove(product_id, image_id),
        done=f"Removed image {image_id} of product {product_id}.",
        record={"product_id": product_id, "image_id": image_id, "removed": True},
        spinner="Deleting…",
    )


@changing()
def set_primary(session: Session, product_id: ProductId, image_id: ImageId) -> Change:
    """Make an image the product's primary one (staff)."""
    product_id = resolve(session.sdk, product_id)
    return Change(
        action=f"make image {image_id} the primary image of product {product_id}",
        fetch=lambda: _image(session, product_id, image_id),
        after=lambda before: {**before, "is_primary": True},
        call=lambda: session.sdk.products.images.set_primary(product_id, image_id),
        columns=COLUMNS,
    )
