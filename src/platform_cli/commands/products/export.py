"""`platform products export`: every product, in the format `import` reads."""

from __future__ import annotations

from typing import Annotated

from platform_cli.commands.bulk.options import FileFormat
from platform_cli.commands.products.options import CategoryFilter, StatusFilter
from platform_cli.params import opt
from platform_cli.verbs import Session, verb


@verb(formats=False)
def export_file(
    session: Session,
    file_format: Annotated[
        FileFormat | None,
        opt("--format", "-f", help="csv or jsonl (default: from --out, else csv)."),
    ] = None,
    out_path: Annotated[
        str | None, opt("--out", help="Write to this file (default: stdout).")
    ] = None,
    category: CategoryFilter = None,
    status: StatusFilter = None,
) -> None:
    """Write every product in the format `import` reads (a round trip changes nothing).

    The same as `platform bulk export products --out FILE`: the file is written by a job
    on the server, then downloaded (products in SKU order).
    """
    import sys
    from pathlib import Path

    from platform_cli.commands.bulk.waiting import save_whole, wait
    from platform_cli.errors import CLIError
    from platform_cli.product_files import detect_format

    out = session.out
    if file_format is not None:
        fmt_name = detect_format("-", file_format)
    elif out_path and out_path != "-" and Path(out_path).suffix.lower() in (".jsonl", ".ndjson"):
        fmt_name = "jsonl"
    else:
        fmt_name = "csv"
    sdk = session.sdk
    filters = {k: v for k, v in (("category", category), ("status", status)) if v is not None}
    job = wait(
        sdk, out, sdk.bulk.exports.create("products", format=fmt_name, filters=filters), lines=False
    )
    if job.status != "succeeded":
        reason = job.error.detail if job.error else job.status
        raise CLIError(f"the export {job.status}: {reason}")
    if out_path is None or out_path == "-":
        sdk.bulk.jobs.result(job.id, sys.stdout.buffer)
        sys.stdout.flush()
        return
    with out.spinner("Downloading…"):
        save_whole(Path(out_path), lambda part: sdk.bulk.jobs.result(job.id, part))
    count = job.progress.done
    out.info(f"Exported {count:,} product{'s' if count != 1 else ''} to {out_path}.")
