"""`platform orders create`: place an order (with a priced preview on --dry-run)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from platform_cli.commands.orders.options import ADDRESS_FIELDS, ADDRESS_REQUIRED, COLUMNS
from platform_cli.context import check_fields
from platform_cli.params import opt
from platform_cli.verbs import Session, verb

if TYPE_CHECKING:
    from platform_sdk import Client, OrderItemParam, ShippingAddressParam


def parse_items(values: list[str]) -> list[dict[str, Any]]:
    """``--item PRODUCT[:QTY]`` options (quantity 1 when left out); PRODUCT is a SKU, an
    id or an id prefix, checked here and resolved by ``resolve_items``."""

    from platform_cli.errors import UsageError
    from platform_cli.refs import check_product

    items = []
    for value in values:
        product_id, sep, qty = value.partition(":")  # a SKU has no ":"
        try:
            check_product(product_id)
        except typer.BadParameter as bad:
            raise UsageError(f"--item {value!r}: {bad.message}") from None
        try:
            quantity = int(qty) if sep else 1
        except ValueError:
            quantity = 0
        if not 1 <= quantity <= 10_000:
            raise UsageError(f"--item {value!r}: the quantity must be a whole number 1-10000")
        items.append({"product_id": product_id.strip(), "quantity": quantity})
    return items


def resolve_items(sdk: Client, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each item's product as its id (a SKU is looked up with ``?sku=``)."""
    from platform_cli.refs import product_id

    return [{**item, "product_id": product_id(sdk, item["product_id"])} for item in items]


def parse_address(given: dict[str, str | None], as_json: str | None) -> dict[str, Any] | None:
    import json

    from platform_cli.errors import UsageError

    fields = {k: v for k, v in given.items() if v is not None}
    if as_json is not None:
        if fields:
            raise UsageError("give --shipping-address-json or the --ship-to-* options, not both")
        try:
            address = json.loads(as_json)
        except ValueError as exc:
            raise UsageError(f"--shipping-address-json is not JSON: {exc}") from None
        if not isinstance(address, dict):
            raise UsageError("--shipping-address-json must be a JSON object")
        return address
    return fields or None


def _validate_address(address: dict[str, Any] | None) -> list[tuple[str, str]]:
    import re

    if address is None:
        return []
    errors = []
    for name in ADDRESS_REQUIRED:
        if not str(address.get(name) or "").strip():
            errors.append((f"body.shipping_address.{name}", "required"))
    unknown = sorted(set(address) - set(ADDRESS_FIELDS))
    errors += [(f"body.shipping_address.{name}", "unknown field") for name in unknown]
    country = address.get("country")
    if country and not re.match(r"^[A-Z]{2}$", str(country)):
        errors.append(("body.shipping_address.country", "an ISO 3166-1 alpha-2 code such as NO"))
    return errors


def _preview(sdk: Client, items: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Any]]:
    """Catalog prices and stock of the items (what ``create`` would charge), and problems."""
    from decimal import Decimal

    lines = []
    errors = []
    total = Decimal("0")
    currencies = set()
    for index, item in enumerate(items):
        product = sdk.products.get(item["product_id"])  # 404 (exit 5) if unknown
        subtotal = product.price * item["quantity"]
        total += subtotal
        currencies.add(product.currency)
        available = product.inventory.available if product.inventory is not None else None
        lines.append(
            {
                "product_id": str(product.id),
                "sku": product.sku,
                "name": product.name,
                "quantity": item["quantity"],
                "price": str(product.price),
                "subtotal": str(subtotal),
            }
        )
        if product.status != "active":
            errors.append((f"body.items.{index}.product_id", f"{product.sku} is {product.status}"))
        if available is not None and available < item["quantity"]:
            errors.append((f"body.items.{index}.quantity", f"only {available} available"))
    if len(currencies) > 1:
        errors.append(("body.items", "products in more than one currency"))
    summary = {"items": lines, "total": str(total), "currency": ",".join(sorted(currencies))}
    return summary, errors


@verb(dry_run=True)
def create(
    session: Session,
    item: Annotated[
        list[str],
        opt(
            "--item",
            "-i",
            metavar="SKU:QTY",
            help="The product by SKU (or id) and a quantity (repeatable; quantity 1 if left out).",
        ),
    ],
    ship_to_name: Annotated[str | None, opt()] = None,
    ship_to_line1: Annotated[str | None, opt()] = None,
    ship_to_line2: Annotated[str | None, opt()] = None,
    ship_to_city: Annotated[str | None, opt()] = None,
    ship_to_postal_code: Annotated[str | None, opt()] = None,
    ship_to_region: Annotated[str | None, opt()] = None,
    ship_to_country: Annotated[str | None, opt(help="ISO 3166-1 alpha-2, e.g. NO.")] = None,
    shipping_address_json: Annotated[
        str | None,
        opt(
            "--shipping-address-json",
            help='The address as JSON: {"name", "line1", "city", "postal_code", "country", …}.',
        ),
    ] = None,
) -> None:
    """Place an order; prices come from the catalog and the stock is reserved."""
    out = session.out
    items = parse_items(item)
    address = parse_address(
        {
            "name": ship_to_name,
            "line1": ship_to_line1,
            "line2": ship_to_line2,
            "city": ship_to_city,
            "postal_code": ship_to_postal_code,
            "region": ship_to_region,
            "country": ship_to_country,
        },
        shipping_address_json,
    )
    sdk = session.sdk
    if session.dry_run:
        errors = _validate_address(address)
        with out.spinner("Fetching products…"):
            summary, problems = _preview(sdk, resolve_items(sdk, items))
        check_fields(errors + problems)
        out.dry_run("place an order", request={**summary, "shipping_address": address})
        return
    with out.spinner("Placing the order…"):
        items = resolve_items(sdk, items)
        # Built from options (and --shipping-address-json), so checked by the server.
        order = sdk.orders.create(
            items=cast("list[OrderItemParam]", items),
            shipping_address=cast("ShippingAddressParam | None", address),
        )
    out.one(order, COLUMNS)
