"""`platform orders …`: mirrors ``client.orders`` of the SDK."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.actions import change, list_page, show_one
from platform_cli.context import (
    TIME_FORMATS,
    AllOption,
    Column,
    DryRunOption,
    LimitOption,
    OutputOption,
    YesOption,
    as_utc,
    check_fields,
    client,
    output,
)

if TYPE_CHECKING:
    from platform_sdk import Client

app = typer.Typer(
    help="Place orders and move them on (fulfil, ship, deliver, cancel); history, invoices.",
    no_args_is_help=True,
)


class OrderStatus(StrEnum):
    pending = "pending"
    paid = "paid"
    fulfilled = "fulfilled"
    shipped = "shipped"
    delivered = "delivered"
    cancelled = "cancelled"
    expired = "expired"
    refunded = "refunded"


OrderId = Annotated[str, typer.Argument(help="Order id.", show_default=False)]
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code", "region", "country")
ADDRESS_REQUIRED = ("name", "line1", "city", "postal_code", "country")


COLUMNS = [
    Column("ID", "id", "id"),
    Column("EMAIL", "user_email"),
    Column("STATUS", "status", "status"),
    Column("TOTAL", "total"),
    Column("CURRENCY", "currency"),
    Column("CREATED", "created_at", "time"),
]


HISTORY_COLUMNS = [
    Column("FROM", "from_status"),
    Column("TO", "to_status", "status"),
    Column("BY", "actor_id", "id"),
    Column("NOTE", "note"),
    Column("WHEN", "created_at", "time"),
]


INVOICE_COLUMNS = [
    Column("number", "number"),
    Column("order_id", "order_id", "id"),
    Column("issued_at", "issued_at", "time"),
    Column("total", "total"),
    Column("currency", "currency"),
    Column("amount_paid", "amount_paid"),
    Column("amount_refunded", "amount_refunded"),
    Column("payment_status", "payment_status", "status"),
]


@app.command("list")
def list_orders(
    ctx: typer.Context,
    status: Annotated[
        OrderStatus | None, typer.Option(help="Only this status.", show_default=False)
    ] = None,
    user_id: Annotated[
        str | None, typer.Option("--user-id", help="Only this buyer (staff).", show_default=False)
    ] = None,
    created_after: Annotated[
        datetime | None,
        typer.Option(
            "--created-after",
            help="Placed at or after (ISO 8601, UTC if no offset).",
            formats=TIME_FORMATS,
            show_default=False,
        ),
    ] = None,
    created_before: Annotated[
        datetime | None,
        typer.Option(
            "--created-before",
            help="Placed before (ISO 8601, UTC if no offset).",
            formats=TIME_FORMATS,
            show_default=False,
        ),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option("--query", "-q", help="Order id or buyer email.", show_default=False),
    ] = None,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List orders, newest first: your own, or everyone's for staff."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.orders.list(
            status=status.value if status else None,
            user_id=user_id,
            created_after=as_utc(created_after),
            created_before=as_utc(created_before),
            q=query,
            limit=size,
        ),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No orders.",
        spinner="Fetching orders…",
    )


@app.command("get")
def get(ctx: typer.Context, order_id: OrderId, fmt: OutputOption = None) -> None:
    """Show one order with its items."""
    show_one(ctx, output(ctx, fmt), lambda sdk: sdk.orders.get(order_id), COLUMNS)


@app.command("history")
def history(
    ctx: typer.Context,
    order_id: OrderId,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """Every status change of an order, newest first."""
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.orders.history(order_id, limit=size),
        HISTORY_COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No history.",
    )


def parse_items(values: list[str]) -> list[dict[str, Any]]:
    """``--item PRODUCT_ID[:QTY]`` options (quantity 1 when left out)."""
    import uuid

    from platform_cli.errors import UsageError

    items = []
    for value in values:
        product_id, sep, qty = value.partition(":")
        try:
            uuid.UUID(product_id.strip())
        except ValueError:
            raise UsageError(
                f"--item takes PRODUCT_ID:QTY with a product id (a UUID), got {value!r}"
            ) from None
        try:
            quantity = int(qty) if sep else 1
        except ValueError:
            quantity = 0
        if not 1 <= quantity <= 10_000:
            raise UsageError(f"--item {value!r}: the quantity must be a whole number 1-10000")
        items.append({"product_id": product_id.strip(), "quantity": quantity})
    return items


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


@app.command("create")
def create(
    ctx: typer.Context,
    item: Annotated[
        list[str],
        typer.Option(
            "--item",
            "-i",
            help="PRODUCT_ID:QTY (repeatable; quantity 1 if left out).",
            show_default=False,
        ),
    ],
    ship_to_name: Annotated[str | None, typer.Option(show_default=False)] = None,
    ship_to_line1: Annotated[str | None, typer.Option(show_default=False)] = None,
    ship_to_line2: Annotated[str | None, typer.Option(show_default=False)] = None,
    ship_to_city: Annotated[str | None, typer.Option(show_default=False)] = None,
    ship_to_postal_code: Annotated[str | None, typer.Option(show_default=False)] = None,
    ship_to_region: Annotated[str | None, typer.Option(show_default=False)] = None,
    ship_to_country: Annotated[
        str | None, typer.Option(help="ISO 3166-1 alpha-2, e.g. NO.", show_default=False)
    ] = None,
    shipping_address_json: Annotated[
        str | None,
        typer.Option(
            "--shipping-address-json",
            help='The address as JSON: {"name", "line1", "city", "postal_code", "country", …}.',
            show_default=False,
        ),
    ] = None,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Place an order; prices come from the catalog and the stock is reserved."""
    out = output(ctx, fmt)
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
    with client(ctx) as sdk:
        if dry_run:
            errors = _validate_address(address)
            with out.spinner("Fetching products…"):
                summary, problems = _preview(sdk, items)
            check_fields(errors + problems)
            out.dry_run("place an order", request={**summary, "shipping_address": address})
            return
        with out.spinner("Placing the order…"):
            order = sdk.orders.create(items=items, shipping_address=address)
    out.one(order, COLUMNS)


def _transition(
    ctx: typer.Context,
    order_id: str,
    *,
    action: str,
    to_status: str,
    call: Any,
    dry_run: bool,
    fmt: Any,
    yes: bool | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """One status change: a before/after diff on dry runs, confirmation when ``yes`` is given."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        change(
            out,
            action=f"{action} order {order_id}",
            fetch=lambda: sdk.orders.get(order_id),
            after=lambda before: {**before, "status": to_status, **(extra or {})},
            call=lambda: call(sdk),
            show=lambda order: out.one(order, COLUMNS),
            yes=yes,
            dry_run=dry_run,
        )


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    order_id: OrderId,
    note: Annotated[
        str | None, typer.Option("--note", help="Why (kept in the history).", show_default=False)
    ] = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Cancel an order and release its stock; staff cancelling a paid one refund it in full."""
    _transition(
        ctx,
        order_id,
        action="cancel",
        to_status="cancelled",
        call=lambda sdk: sdk.orders.cancel(order_id, note=note),
        dry_run=dry_run,
        fmt=fmt,
        yes=yes,
    )


@app.command("fulfill")
def fulfill(
    ctx: typer.Context, order_id: OrderId, dry_run: DryRunOption = False, fmt: OutputOption = None
) -> None:
    """Mark a paid order fulfilled (staff); its units leave stock."""
    _transition(
        ctx,
        order_id,
        action="fulfill",
        to_status="fulfilled",
        call=lambda sdk: sdk.orders.fulfill(order_id),
        dry_run=dry_run,
        fmt=fmt,
    )


@app.command("ship")
def ship(
    ctx: typer.Context,
    order_id: OrderId,
    carrier: Annotated[str, typer.Option("--carrier", help="Carrier name, e.g. DHL.")],
    tracking_number: Annotated[str, typer.Option("--tracking-number", help="Tracking number.")],
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Mark a fulfilled order shipped (staff)."""
    _transition(
        ctx,
        order_id,
        action="ship",
        to_status="shipped",
        call=lambda sdk: sdk.orders.ship(
            order_id, carrier=carrier, tracking_number=tracking_number
        ),
        dry_run=dry_run,
        fmt=fmt,
        extra={"carrier": carrier, "tracking_number": tracking_number},
    )


@app.command("deliver")
def deliver(
    ctx: typer.Context, order_id: OrderId, dry_run: DryRunOption = False, fmt: OutputOption = None
) -> None:
    """Mark a shipped order delivered (staff)."""
    _transition(
        ctx,
        order_id,
        action="deliver",
        to_status="delivered",
        call=lambda sdk: sdk.orders.deliver(order_id),
        dry_run=dry_run,
        fmt=fmt,
    )


@app.command("invoice")
def invoice(
    ctx: typer.Context,
    order_id: OrderId,
    out_path: Annotated[
        str | None,
        typer.Option(
            "--out", help="Write the PDF to this file (- for stdout).", show_default=False
        ),
    ] = None,
    fmt: OutputOption = None,
) -> None:
    """The invoice of a paid order: the PDF with --out, else its fields (-o json: the JSON)."""
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        if out_path is None:
            with out.spinner("Fetching…"):
                document = sdk.orders.invoice(order_id)
            out.one(document, INVOICE_COLUMNS)
            return
        with out.spinner("Fetching the PDF…"):
            pdf = sdk.orders.invoice_pdf(order_id)
    if out_path == "-":
        import sys

        sys.stdout.buffer.write(pdf)
        sys.stdout.flush()
        return
    from pathlib import Path

    Path(out_path).write_bytes(pdf)
    out.done(
        f"Wrote the invoice of order {order_id} to {out_path} ({len(pdf):,} bytes).",
        {"order_id": order_id, "path": out_path, "bytes": len(pdf)},
    )
