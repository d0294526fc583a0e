"""`platform products …`: mirrors ``client.products`` of the SDK, plus import and export."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.actions import change, list_page, show_one
from platform_cli.context import (
    AllOption,
    Column,
    DryRunOption,
    LimitOption,
    OutputOption,
    YesOption,
    check_fields,
    client,
    output,
    parse_money,
)

if TYPE_CHECKING:
    from platform_cli.output import Output
    from platform_cli.product_files import ImportReport, Source

app = typer.Typer(
    help="The product catalog: list, search, create, change, import and export products.",
    no_args_is_help=True,
)


class Status(StrEnum):
    active = "active"
    archived = "archived"


class Sort(StrEnum):
    price = "price"
    price_desc = "-price"
    name = "name"
    name_desc = "-name"
    created_at = "created_at"
    created_at_desc = "-created_at"
    relevance = "relevance"


class FileFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


ProductId = Annotated[str, typer.Argument(help="Product id.", show_default=False)]
CategoryFilter = Annotated[
    str | None, typer.Option("--category", "-c", help="Only this category.", show_default=False)
]
MinPrice = Annotated[
    Decimal | None,
    typer.Option(
        "--min-price", parser=parse_money, help="Price at least (e.g. 10).", show_default=False
    ),
]
MaxPrice = Annotated[
    Decimal | None,
    typer.Option(
        "--max-price", parser=parse_money, help="Price at most (e.g. 99.99).", show_default=False
    ),
]
InStock = Annotated[
    bool | None,
    typer.Option(
        "--in-stock/--out-of-stock",
        help="Only products with (or without) units available.",
        show_default=False,
    ),
]
StatusFilter = Annotated[
    Status | None,
    typer.Option(help="Only this status (staff; others see active products).", show_default=False),
]
AttrOption = Annotated[
    list[str] | None,
    typer.Option(
        "--attr",
        help="An attribute KEY=VALUE (repeatable; string values).",
        show_default=False,
    ),
]

_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


COLUMNS = [
    Column("ID", "id", "id"),
    Column("SKU", "sku"),
    Column("NAME", "name"),
    Column("CATEGORY", "category"),
    Column("PRICE", "price"),
    Column("CURRENCY", "currency"),
    Column("AVAILABLE", "inventory.available"),
    Column("STATUS", "status", "status"),
    Column("CREATED", "created_at", "time"),
]


def validate_fields(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """The server's rules for product fields, checked locally for ``--dry-run``."""
    errors: list[tuple[str, str]] = []
    sku = fields.get("sku")
    if sku is not None and (not _SKU.match(sku) or len(sku) > 64):
        errors.append(("body.sku", "1-64 letters, digits, '.', '_' or '-', not starting with one"))
    for name, most in (("name", 255), ("category", 100)):
        value = fields.get(name)
        if value is not None and not 1 <= len(value.strip()) <= most:
            errors.append((f"body.{name}", f"must be 1-{most} characters"))
    description = fields.get("description")
    if description is not None and len(description) > 5000:
        errors.append(("body.description", "at most 5000 characters"))
    currency = fields.get("currency")
    if currency is not None and not _CURRENCY.match(currency):
        errors.append(("body.currency", "an ISO 4217 code such as USD"))
    price = fields.get("price")
    if isinstance(price, Decimal):
        exponent = price.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > 4:
            errors.append(("body.price", "at most 4 decimal places"))
        if len(price.as_tuple().digits) > 14:
            errors.append(("body.price", "at most 14 digits"))
    attributes = fields.get("attributes")
    if attributes is not None and len(attributes) > 50:
        errors.append(("body.attributes", "at most 50 attributes"))
    return errors


def parse_attrs(pairs: list[str] | None) -> dict[str, str | None]:
    """``--attr KEY=VALUE`` options; ``KEY=`` (empty value) means "remove KEY" on update."""
    from platform_cli.errors import UsageError

    attrs: dict[str, str | None] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--attr takes KEY=VALUE, got {pair!r}")
        attrs[key.strip()] = value if value != "" else None
    return attrs


def _json_ready(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in fields.items()}


# -- reading ----------------------------------------------------------------------------------


def _list(
    ctx: typer.Context,
    *,
    q: str | None,
    category: str | None,
    min_price: Decimal | None,
    max_price: Decimal | None,
    in_stock: bool | None,
    status: Status | None,
    sort: Sort | None,
    limit: int,
    all_items: bool,
    fmt: Any,
) -> None:
    list_page(
        ctx,
        output(ctx, fmt),
        lambda sdk, size: sdk.products.list(
            q=q,
            category=category,
            min_price=min_price,
            max_price=max_price,
            in_stock=in_stock,
            status=status.value if status else None,
            sort=sort.value if sort else None,
            limit=size,
        ),
        COLUMNS,
        limit=limit,
        all_items=all_items,
        empty="No products.",
        spinner="Fetching products…",
        authenticated=False,
    )


@app.command("list")
def list_products(
    ctx: typer.Context,
    category: CategoryFilter = None,
    min_price: MinPrice = None,
    max_price: MaxPrice = None,
    in_stock: InStock = None,
    status: StatusFilter = None,
    sort: Annotated[
        Sort | None, typer.Option(help="Order (default: newest first).", show_default=False)
    ] = None,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """List products, newest first (staff also see archived ones)."""
    _list(
        ctx,
        q=None,
        category=category,
        min_price=min_price,
        max_price=max_price,
        in_stock=in_stock,
        status=status,
        sort=sort,
        limit=limit,
        all_items=all_items,
        fmt=fmt,
    )


@app.command("search")
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to find in name, description or SKU.")],
    category: CategoryFilter = None,
    min_price: MinPrice = None,
    max_price: MaxPrice = None,
    in_stock: InStock = None,
    status: StatusFilter = None,
    sort: Annotated[
        Sort | None, typer.Option(help="Order (default: relevance).", show_default=False)
    ] = None,
    limit: LimitOption = 20,
    all_items: AllOption = False,
    fmt: OutputOption = None,
) -> None:
    """Full-text search (words match as prefixes), best matches first."""
    _list(
        ctx,
        q=query,
        category=category,
        min_price=min_price,
        max_price=max_price,
        in_stock=in_stock,
        status=status,
        sort=sort or Sort.relevance,
        limit=limit,
        all_items=all_items,
        fmt=fmt,
    )


@app.command("get")
def get(ctx: typer.Context, product_id: ProductId, fmt: OutputOption = None) -> None:
    """Show one product with its stock."""
    show_one(
        ctx,
        output(ctx, fmt),
        lambda sdk: sdk.products.get(product_id),
        COLUMNS,
        authenticated=False,
    )


@app.command("recommendations")
def recommendations(
    ctx: typer.Context,
    product_id: ProductId,
    limit: Annotated[
        int, typer.Option("--limit", "-L", min=1, max=20, help="How many (at most 20).")
    ] = 5,
    fmt: OutputOption = None,
) -> None:
    """Products often bought with this one, then popular ones of its category."""
    out = output(ctx, fmt)
    with client(ctx, authenticated=False) as sdk, out.spinner("Fetching…"):
        page = sdk.products.recommendations(product_id, limit=limit)
    out.many(page.data, COLUMNS, empty="No recommendations.")


# -- changing ---------------------------------------------------------------------------------


@app.command("create")
def create(
    ctx: typer.Context,
    sku: Annotated[str, typer.Option("--sku", help="Stock keeping unit (unique).")],
    name: Annotated[str, typer.Option("--name", "-n", help="Product name.")],
    price: Annotated[
        Decimal, typer.Option("--price", parser=parse_money, help="Price, e.g. 19.99.")
    ],
    category: Annotated[str, typer.Option("--category", "-c", help="Category name.")],
    description: Annotated[str | None, typer.Option(show_default=False)] = None,
    currency: Annotated[
        str | None, typer.Option(help="ISO 4217 code (default USD).", show_default=False)
    ] = None,
    attr: AttrOption = None,
    status: Annotated[
        Status | None, typer.Option(help="Status (default active).", show_default=False)
    ] = None,
    stock: Annotated[
        int | None,
        typer.Option(min=0, help="Initial units on hand (default 0).", show_default=False),
    ] = None,
    low_stock_threshold: Annotated[
        int | None,
        typer.Option(
            "--low-stock-threshold",
            min=0,
            help="Low-stock warning level (default 5).",
            show_default=False,
        ),
    ] = None,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Create a product (staff)."""
    out = output(ctx, fmt)
    attributes = {k: v for k, v in parse_attrs(attr).items() if v is not None}
    fields: dict[str, Any] = {
        "sku": sku,
        "name": name,
        "price": price,
        "category": category,
        "description": description,
        "currency": currency,
        "attributes": attributes or None,
        "status": status.value if status else None,
        "stock": stock,
        "low_stock_threshold": low_stock_threshold,
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    if dry_run:
        check_fields(validate_fields(fields))
        out.dry_run("create a product", request=_json_ready(fields))
        return
    show_one(ctx, out, lambda sdk: sdk.products.create(**fields), COLUMNS, spinner="Creating…")


def _patch(
    ctx: typer.Context,
    product_id: str,
    changes: dict[str, Any],
    *,
    attrs: dict[str, str | None],
    action: str,
    dry_run: bool,
    fmt: Any,
) -> None:
    """Shared by update and archive: diff on dry run, else PATCH the given fields."""
    from platform_cli.errors import UsageError

    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes and not attrs:
        raise UsageError("nothing to change: give at least one of the options")
    out = output(ctx, fmt)
    with client(ctx) as sdk:
        before: dict[str, Any] | None = None
        if attrs or dry_run:
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
        check_fields(validate_fields(changes))
        if dry_run and before is not None:
            after = {**before, **_json_ready(changes)}
            out.dry_run(f"{action} product {product_id}", before=before, after=after)
            return
        with out.spinner("Saving…"):
            product = sdk.products.update(product_id, **changes)
    out.one(product, COLUMNS)


@app.command("update")
def update(
    ctx: typer.Context,
    product_id: ProductId,
    sku: Annotated[str | None, typer.Option(show_default=False)] = None,
    name: Annotated[str | None, typer.Option("--name", "-n", show_default=False)] = None,
    description: Annotated[str | None, typer.Option(show_default=False)] = None,
    price: Annotated[
        Decimal | None, typer.Option(parser=parse_money, help="e.g. 19.99", show_default=False)
    ] = None,
    currency: Annotated[str | None, typer.Option(show_default=False)] = None,
    category: Annotated[str | None, typer.Option("--category", "-c", show_default=False)] = None,
    attr: Annotated[
        list[str] | None,
        typer.Option(
            "--attr",
            help="Set attribute KEY=VALUE, or remove it with KEY= (repeatable; others are kept).",
            show_default=False,
        ),
    ] = None,
    status: Annotated[Status | None, typer.Option(show_default=False)] = None,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Change a product's fields (stock: `platform inventory adjust`)."""
    _patch(
        ctx,
        product_id,
        {
            "sku": sku,
            "name": name,
            "description": description,
            "price": price,
            "currency": currency,
            "category": category,
            "status": status.value if status else None,
        },
        attrs=parse_attrs(attr),
        action="update",
        dry_run=dry_run,
        fmt=fmt,
    )


@app.command("archive")
def archive(
    ctx: typer.Context,
    product_id: ProductId,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Archive a product: hidden from customers, kept for orders (undo: update --status active)."""
    _patch(
        ctx,
        product_id,
        {"status": "archived"},
        attrs={},
        action="archive",
        dry_run=dry_run,
        fmt=fmt,
    )


@app.command("delete")
def delete(
    ctx: typer.Context,
    product_id: ProductId,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    fmt: OutputOption = None,
) -> None:
    """Delete a product; one that orders refer to is archived instead."""
    out = output(ctx, fmt)

    def report(result: Any) -> None:
        message = (
            f"Archived product {product_id} (orders refer to it, so it was not deleted)."
            if result.result == "archived"
            else f"Deleted product {product_id}."
        )
        out.done(message, result.model_dump(mode="json"))

    with client(ctx) as sdk:
        change(
            out,
            action=f"delete product {product_id}",
            preview=f"delete product {product_id} (or archive it if orders refer to it)",
            fetch=lambda: sdk.products.get(product_id),  # 404 if it does not exist
            call=lambda: sdk.products.delete(product_id),
            spinner="Deleting…",
            show=report,
            yes=yes,
            dry_run=dry_run,
        )


# -- files ------------------------------------------------------------------------------------


def _import_progress(out: Output, source: Source) -> Any:
    """A Rich progress bar on stderr (bytes of the file read, rows sent), or None."""
    from platform_cli import terminal

    if not terminal.stderr_is_tty():
        return None
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("Importing {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        console=out.err_console(),
        transient=True,
    )


def _print_report(out: Output, report: ImportReport) -> None:
    if out.format != "table":
        out.one(report.as_dict())
        return
    counts = f"{report.rows:,} row{'s' if report.rows != 1 else ''}"
    if report.dry_run:
        lines = [
            f"Dry run of {report.file}: {counts}: would create {report.created:,}, update "
            f"{report.updated:,}; {report.unchanged:,} unchanged, {report.failed:,} failed. "
            "Nothing was changed."
        ]
    else:
        lines = [
            f"Imported {report.file}: {counts}: {report.created:,} created, "
            f"{report.updated:,} updated, {report.unchanged:,} unchanged, "
            f"{report.failed:,} failed."
        ]
    if report.failures:
        lines.append("Failed rows:")
        for failure in report.failures:
            errors = "; ".join(f"{f}: {m}" for f, m in failure.errors)
            lines.append(f"  row {failure.row} (sku {failure.sku or '-'}): {errors}")
    out.write("\n".join(lines) + "\n")


@app.command("import")
def import_file(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(help="A .csv or .jsonl file, or - for stdin.", show_default=False)
    ],
    file_format: Annotated[
        FileFormat | None,
        typer.Option(
            "--format", "-f", help="csv or jsonl (default: from the extension).", show_default=False
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Validate every row on the server; change nothing."),
    ] = False,
    fmt: OutputOption = None,
) -> None:
    """Create or update products from a file, matched by SKU (re-running it changes nothing).

    Exit code 3 when some rows failed; the report names them by row (CSV: the header is
    row 1) with the reason.
    """
    from platform_cli.errors import CLIError, ExitCode
    from platform_cli.product_files import (
        ImportReport,
        detect_format,
        import_rows,
        open_source,
        read_rows,
    )

    out = output(ctx, fmt)
    fmt_name = detect_format(file, file_format.value if file_format else None)
    with client(ctx) as sdk:
        source = open_source(file, fmt_name)
        report = ImportReport(file=source.name, format=fmt_name, dry_run=dry_run)
        try:
            progress = _import_progress(out, source)
            if progress is None:
                import_rows(sdk, read_rows(source, fmt_name), report)
            else:
                with progress:
                    task = progress.add_task(source.name, total=source.size, rows=0)

                    def advance(done: ImportReport) -> None:
                        progress.update(task, completed=source.position, rows=done.rows)

                    import_rows(sdk, read_rows(source, fmt_name), report, on_chunk=advance)
        finally:
            source.close()
    _print_report(out, report)
    if report.failed:
        raise CLIError(
            f"{report.failed:,} of {report.rows:,} rows failed (see the report)",
            exit_code=ExitCode.PARTIAL,
        )


@app.command("export")
def export_file(
    ctx: typer.Context,
    file_format: Annotated[
        FileFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="csv or jsonl (default: from --out, else csv).",
            show_default=False,
        ),
    ] = None,
    out_path: Annotated[
        str | None,
        typer.Option("--out", help="Write to this file (default: stdout).", show_default=False),
    ] = None,
    category: CategoryFilter = None,
    status: StatusFilter = None,
) -> None:
    """Write every product in the format `import` reads (a round trip changes nothing)."""
    import os
    import sys
    from pathlib import Path

    from platform_cli.product_files import detect_format, export_record, writer

    out = output(ctx)
    if file_format is not None:
        fmt_name = detect_format("-", file_format.value)
    elif out_path and out_path != "-" and Path(out_path).suffix.lower() in (".jsonl", ".ndjson"):
        fmt_name = "jsonl"
    else:
        fmt_name = "csv"
    count = 0
    with client(ctx) as sdk:
        page = sdk.products.list(
            category=category, status=status.value if status else None, limit=100
        )
        if out_path is None or out_path == "-":
            rows = writer(fmt_name, sys.stdout)
            for product in page:
                rows.write(export_record(product))
            sys.stdout.flush()
            return
        partial = f"{out_path}.part"
        try:
            with open(partial, "w", encoding="utf-8", newline="") as stream:
                rows = writer(fmt_name, stream)
                with out.spinner("Exporting…"):
                    for product in page:
                        rows.write(export_record(product))
                        count += 1
            os.replace(partial, out_path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    out.info(f"Exported {count:,} product{'s' if count != 1 else ''} to {out_path}.")
