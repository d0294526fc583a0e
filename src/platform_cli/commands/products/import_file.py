"""`platform products import`: create or update products from a CSV or JSONL file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from platform_cli.commands.products.options import FileFormatOption
from platform_cli.verbs import Session, verb

if TYPE_CHECKING:
    from platform_cli.output import Output
    from platform_cli.product_files import ImportReport, Source


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


@verb()
def import_file(
    session: Session,
    file: Annotated[
        str, typer.Argument(help="A .csv or .jsonl file, or - for stdin.", show_default=False)
    ],
    file_format: FileFormatOption = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Validate every row on the server; change nothing."),
    ] = False,
    create_categories: Annotated[
        bool,
        typer.Option(
            "--create-categories",
            help="Allow categories no product has yet (else such a row fails: a typo "
            "does not start a new category).",
        ),
    ] = False,
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

    out = session.out
    fmt_name = detect_format(file, file_format)
    sdk = session.sdk
    source = open_source(file, fmt_name)
    report = ImportReport(file=source.name, format=fmt_name, dry_run=dry_run)
    try:
        progress = _import_progress(out, source)
        if progress is None:
            import_rows(
                sdk, read_rows(source, fmt_name), report, create_categories=create_categories
            )
        else:
            with progress:
                task = progress.add_task(source.name, total=source.size, rows=0)

                def advance(done: ImportReport) -> None:
                    progress.update(task, completed=source.position, rows=done.rows)

                import_rows(
                    sdk,
                    read_rows(source, fmt_name),
                    report,
                    on_chunk=advance,
                    create_categories=create_categories,
                )
    finally:
        source.close()
    _print_report(out, report)
    if report.failed:
        raise CLIError(
            f"{report.failed:,} of {report.rows:,} rows failed (see the report)",
            exit_code=ExitCode.PARTIAL,
        )
