"""`platform products create`."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer

from platform_cli.commands.products import options
from platform_cli.context import check_fields, parse_money
from platform_cli.params import opt
from platform_cli.verbs import Session, verb


@verb(dry_run=True)
def create(
    session: Session,
    sku: Annotated[str, typer.Option("--sku", help="Stock keeping unit (unique).")],
    name: Annotated[str, typer.Option("--name", "-n", help="Product name.")],
    price: Annotated[
        Decimal, typer.Option("--price", parser=parse_money, help="Price, e.g. 19.99.")
    ],
    category: Annotated[str, typer.Option("--category", "-c", help="Category name.")],
    description: Annotated[str | None, opt()] = None,
    currency: Annotated[str | None, opt(help="ISO 4217 code (default USD).")] = None,
    attr: Annotated[
        list[str] | None, opt("--attr", help="An attribute KEY=VALUE (repeatable; string values).")
    ] = None,
    status: Annotated[options.Status | None, opt(help="Status (default active).")] = None,
    stock: Annotated[int | None, opt(min=0, help="Initial units on hand (default 0).")] = None,
    low_stock_threshold: Annotated[
        int | None, opt("--low-stock-threshold", min=0, help="Low-stock warning level (default 5).")
    ] = None,
) -> None:
    """Create a product (staff)."""
    out = session.out
    attributes = {k: v for k, v in options.parse_attrs(attr).items() if v is not None}
    fields: dict[str, Any] = {
        "sku": sku,
        "name": name,
        "price": price,
        "category": category,
        "description": description,
        "currency": currency,
        "attributes": attributes or None,
        "status": status,
        "stock": stock,
        "low_stock_threshold": low_stock_threshold,
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    if session.dry_run:
        check_fields(options.validate_fields(fields))
        out.dry_run("create a product", request=options.json_ready(fields))
        return
    sdk = session.sdk
    with out.spinner("Creating…"):
        product = sdk.products.create(**fields)
    out.one(product, options.COLUMNS)
