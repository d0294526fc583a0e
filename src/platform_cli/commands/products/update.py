"""`platform products update` and `platform products archive`: a PATCH of some fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from platform_cli.commands.products import options
from platform_cli.context import check_fields, parse_money
from platform_cli.params import opt
from platform_cli.verbs import Session, verb


def _patch(
    session: Session,
    product_id: str,
    changes: dict[str, Any],
    *,
    attrs: dict[str, str | None],
    action: str,
) -> None:
    """Shared by update and archive: diff on dry run, else PATCH the given fields."""
    from platform_cli.errors import UsageError

    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes and not attrs:
        raise UsageError("nothing to change: give at least one of the options")
    from platform_cli.refs import product_id as resolve

    out, sdk = session.out, session.sdk
    product_id = resolve(sdk, product_id)
    before: dict[str, Any] | None = None
    if attrs or session.dry_run:
        with out.spinner("Fetching…"):
            before = sdk.products.get(product_id).model_dump(mode="json")
    if attrs and before is not None:
        merged = dict(before.get("attributes") or {})
        for key, value in attrs.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        changes["attributes"] = merged
    check_fields(options.validate_fields(changes))
    if session.dry_run and before is not None:
        after = {**before, **options.json_ready(changes)}
        out.dry_run(f"{action} product {product_id}", before=before, after=after)
        return
    with out.spinner("Saving…"):
        product = sdk.products.update(product_id, **changes)
    out.one(product, options.COLUMNS)


@verb(dry_run=True)
def update(
    session: Session,
    product_id: options.ProductId,
    sku: Annotated[str | None, opt()] = None,
    name: Annotated[str | None, opt("--name", "-n")] = None,
    description: Annotated[str | None, opt()] = None,
    price: Annotated[Decimal | None, opt(parser=parse_money, help="e.g. 19.99")] = None,
    currency: Annotated[str | None, opt()] = None,
    category: Annotated[str | None, opt("--category", "-c")] = None,
    attr: Annotated[
        list[str] | None,
        opt(
            "--attr",
            help="Set attribute KEY=VALUE, or remove it with KEY= (repeatable; others are kept).",
        ),
    ] = None,
    status: Annotated[options.Status | None, opt()] = None,
) -> None:
    """Change a product's fields (stock: `platform products inventory adjust`)."""
    fields = {"sku": sku, "name": name, "description": description, "price": price}
    fields |= {"currency": currency, "category": category}
    fields["status"] = status
    _patch(session, product_id, fields, attrs=options.parse_attrs(attr), action="update")


@verb(dry_run=True)
def archive(session: Session, product_id: options.ProductId) -> None:
    """Archive a product: hidden from customers, kept for orders (undo: update --status active)."""
    _patch(session, product_id, {"status": "archived"}, attrs={}, action="archive")
