"""`platform products get` and `platform products recommendations`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.commands.products.options import COLUMNS, ProductId
from platform_cli.verbs import Session, showing, verb

if TYPE_CHECKING:
    from platform_sdk import Client


@showing(COLUMNS, authenticated=False)
def get(sdk: Client, product_id: ProductId) -> Any:
    """Show one product with its stock."""
    from platform_cli.refs import product_id as resolve

    return sdk.products.get(resolve(sdk, product_id))


@verb(authenticated=False)
def recommendations(
    session: Session,
    product_id: ProductId,
    limit: Annotated[
        int, typer.Option("--limit", "-L", min=1, max=20, help="How many (at most 20).")
    ] = 5,
) -> None:
    """Products often bought with this one, then popular ones of its category."""
    out = session.out
    with out.spinner("Fetching…"):
        from platform_cli.refs import product_id as resolve

        sdk = session.sdk
        page = sdk.products.recommendations(resolve(sdk, product_id), limit=limit)
    out.many(page.data, COLUMNS, empty="No recommendations.")
