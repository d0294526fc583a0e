"""`platform products export`: every product, in the format `import` reads."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.commands.products.options import CategoryFilter, FileFormat, StatusFilter
from platform_cli.verbs import Session, verb


@verb(formats=False)
def export_file(
    session: Session,
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

    from platform_cli.product_export import export_record, writer
    from platform_cli.product_files import detect_format

    out = session.out
    if file_format is not None:
        fmt_name = detect_format("-", file_format)
    elif out_path and out_path != "-" and Path(out_path).suffix.lower() in (".jsonl", ".ndjson"):
        fmt_name = "jsonl"
    else:
        fmt_name = "csv"
    count = 0
    sdk = session.sdk
    page = sdk.products.list(category=category, status=status, limit=100)
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
