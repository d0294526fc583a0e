"""`platform products images list` and `… download`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from platform_cli.commands.products.images.options import COLUMNS, ImageId
from platform_cli.commands.products.options import ProductId
from platform_cli.verbs import Session, listing, verb

if TYPE_CHECKING:
    from platform_sdk import Client


@listing(COLUMNS, empty="No images.")
def list_images(sdk: Client, size: int, product_id: ProductId) -> Iterable[Any]:
    """A product's pictures, the primary one first (name, size, dimensions)."""
    from platform_cli.refs import product_id as resolve

    return sdk.products.images.list(resolve(sdk, product_id))


@verb(formats=False)
def download(
    session: Session,
    product_id: ProductId,
    image_id: ImageId,
    to: Annotated[
        Path | None,
        typer.Option("--output-file", "-O", help="Where to write (default: its file name)."),
    ] = None,
    variant: Annotated[
        Literal["original", "800", "200"], typer.Option(help="Which size.")
    ] = "original",
) -> None:
    """Save a product image (or a variant) to a file, with a progress bar on a terminal."""
    target = to or Path(f"{image_id}-{variant}")
    from platform_cli.refs import product_id as resolve

    product_id = resolve(session.sdk, product_id)
    with session.out.progress(f"Downloading {target.name}") as progress:
        got = session.sdk.products.images.download(
            product_id, image_id, target, variant=variant, progress=progress
        )
    session.out.info(f"Saved {got.size_bytes} bytes ({got.content_type}) to {target}.")
