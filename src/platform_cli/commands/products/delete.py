"""`platform products delete`."""

from __future__ import annotations

from typing import Any

from platform_cli.commands.products.options import ProductId
from platform_cli.verbs import Change, Session, changing


@changing(confirm=True)
def delete(session: Session, product_id: ProductId) -> Change:
    """Delete a product; one that orders refer to is archived instead."""
    from platform_cli.refs import product_id as resolve

    shown, product_id = product_id, resolve(session.sdk, product_id)

    def report(result: Any) -> None:
        message = (
            f"Archived product {shown} (orders refer to it, so it was not deleted)."
            if result.result == "archived"
            else f"Deleted product {shown}."
        )
        session.out.done(message, result.model_dump(mode="json"))

    return Change(
        action=f"delete product {shown}",
        preview=f"delete product {shown} (or archive it if orders refer to it)",
        fetch=lambda: session.sdk.products.get(product_id),  # 404 if it does not exist
        call=lambda: session.sdk.products.delete(product_id),
        spinner="Deleting…",
        show=report,
    )
