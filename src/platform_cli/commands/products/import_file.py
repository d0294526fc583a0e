"""`platform products import`: create or update products from a CSV or JSONL file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from platform_cli.commands.bulk.options import (
    CreateCategoriesOption,
    FileFormatOption,
    ServerDryRunOption,
)
from platform_cli.params import arg
from platform_cli.verbs import Session, verb

if TYPE_CHECKING:
    from platform_cli.output import Output
    from platform_cli.product_files import ImportReport


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


@verb()
def import_file(
    session: Session,
    file: Annotated[str, arg(help="A .csv or .jsonl file, or - for stdin.")],
    file_format: FileFormatOption = None,
    dry_run: ServerDryRunOption = False,
    create_categories: CreateCategoriesOption = False,
) -> None:
    """Create or update products from a file, matched by SKU (re-running it changes nothing).

    The same as `platform bulk import products FILE --wait`: the file is uploaded and
    imported by a job on the server. Exit code 3 when some rows failed; the report names
    them by row (CSV: the header is row 1) with the reason.
    """
    import shutil
    import sys
    import tempfile

    from platform_cli.commands.bulk.waiting import wait
    from platform_cli.errors import CLIError, ExitCode
    from platform_cli.product_files import ImportReport, detect_format
    from platform_cli.product_reports import check_file, read_report

    out = session.out
    fmt_name = detect_format(file, file_format)
    with tempfile.TemporaryDirectory(prefix="platform-import-") as tmp:
        path = file
        if file == "-":
            # The server needs the whole file (its job outlives this command): spooled.
            path = f"{tmp}/stdin.{fmt_name}"
            with open(path, "wb") as spool:
                shutil.copyfileobj(sys.stdin.buffer, spool)
        check_file(path, fmt_name)  # unknown columns: a usage error, nothing sent
        sdk = session.sdk
        name = "stdin" if file == "-" else file
        with out.progress(f"Uploading {name}") as progress:
            job = sdk.bulk.imports.create(
                "products",
                path,
                dry_run=dry_run,
                format=fmt_name,
                create_categories=create_categories,
                progress=progress,
            )
        job = wait(sdk, out, job, lines=False)  # as before: the summary alone
        if job.status != "succeeded":
            reason = job.error.detail if job.error else job.status
            raise CLIError(f"the import of {name} {job.status}: {reason}")
        report_path = f"{tmp}/report.{fmt_name}"
        sdk.bulk.jobs.result(job.id, report_path)
        report = ImportReport(file=name, format=fmt_name, dry_run=dry_run)
        read_report(report_path, fmt_name, job, report)
    _print_report(out, report)
    if report.failed:
        raise CLIError(
            f"{report.failed:,} of {report.rows:,} rows failed (see the report)",
            exit_code=ExitCode.PARTIAL,
        )
