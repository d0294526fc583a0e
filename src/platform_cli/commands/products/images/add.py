"""`platform products images add`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from platform_cli.commands.products.images.options import COLUMNS
from platform_cli.commands.products.options import ProductId
from platform_cli.context import check_fields
from platform_cli.verbs import Session, verb


@verb(dry_run=True)
def add(
    session: Session,
    product_id: ProductId,
    path: Annotated[
        Path,
        typer.Argument(
            help="A JPEG, PNG or WebP file.", exists=True, dir_okay=False, readable=True
        ),
    ],
    primary: Annotated[bool, typer.Option("--primary", help="Make it the primary image.")] = False,
) -> None:
    """Upload a picture of a product (staff), with a progress bar on a terminal."""
    out = session.out
    if session.dry_run:
        check_fields([])
        out.dry_run(
            f"upload {path.name} ({path.stat().st_size} bytes) to product {product_id}",
            request={"file": path.name, "primary": primary},
        )
        return
    from platform_cli.refs import product_id as resolve

    product_id = resolve(session.sdk, product_id)
    images = session.sdk.products.images
    with out.progress(f"Uploading {path.name}") as progress:
        image = images.add(product_id, path, progress=progress)
    if primary and not image.is_primary:
        with out.spinner("Saving…"):
            image = images.set_primary(product_id, image.id)
    out.one(image, COLUMNS)
