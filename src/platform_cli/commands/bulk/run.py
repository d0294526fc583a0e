"""`platform bulk import KIND FILE` and `platform bulk export KIND --out FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from platform_cli.commands.bulk.options import (
    CreateCategoriesOption,
    FileFormat,
    FileFormatOption,
    ServerDryRunOption,
)
from platform_cli.params import arg, opt
from platform_cli.verbs import Session, verb

Kind = Annotated[
    str,
    arg(
        help="What the file holds. Imports: products, inventory, prices, fulfillment, users. "
        "Exports: products, inventory, orders, users, events, audit."
    ),
]


@verb()
def import_file(
    session: Session,
    kind: Kind,
    file: Annotated[Path, arg(help="A .csv or .jsonl file.")],
    dry_run: ServerDryRunOption = False,
    wait: Annotated[
        bool,
        typer.Option("--wait", help="Wait for the job, with its progress; exit 3 if rows failed."),
    ] = False,
    file_format: FileFormatOption = None,
    create_categories: CreateCategoriesOption = False,
    report: Annotated[
        Path | None, opt("--report", help="Where --wait saves the report when rows failed.")
    ] = None,
) -> None:
    """Upload a file and start an import job on the server (upsert by the kind's key).

    Without --wait, prints the queued job. With --wait: exit 0 when every row succeeded,
    3 when some rows failed (the report's path is printed), 1 when the job failed.
    """
    from platform_cli.commands.bulk.waiting import COLUMNS, finish
    from platform_cli.commands.bulk.waiting import wait as wait_for
    from platform_cli.errors import UsageError

    if not file.is_file():
        raise UsageError(f"no such file: {file}")
    sdk = session.sdk
    with session.out.progress(f"Uploading {file.name}") as progress:
        job = sdk.bulk.imports.create(
            kind,
            file,
            dry_run=dry_run,
            format=file_format,
            create_categories=create_categories,
            progress=progress,
        )
    if not wait:
        session.out.one(job, COLUMNS)
        return
    finish(sdk, session.out, wait_for(sdk, session.out, job), report)


@verb(formats=False)
def export_file(
    session: Session,
    kind: Kind,
    out_path: Annotated[Path, opt("--out", help="The file to write.")],
    filters: Annotated[
        list[str] | None,
        opt(
            "--filter",
            help="NAME=VALUE, repeatable (products: status, category; orders: status, "
            "created_after, created_before; users: role, status; events: type, created_after; "
            "audit: action, target_type). See docs/cli.md.",
        ),
    ] = None,
    file_format: Annotated[
        FileFormat | None, opt("--format", "-f", help="Default: from --out's extension, else csv.")
    ] = None,
) -> None:
    """Export on the server, wait for it, and download the file."""
    from platform_cli.commands.bulk.waiting import finish, save_whole
    from platform_cli.commands.bulk.waiting import wait as wait_for
    from platform_cli.errors import UsageError

    given: dict[str, str] = {}
    for item in filters or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--filter takes NAME=VALUE, got {item!r}")
        given[name.strip()] = value
    fmt = file_format or ("jsonl" if out_path.suffix.lower() in (".jsonl", ".ndjson") else "csv")
    sdk = session.sdk
    job = wait_for(sdk, session.out, sdk.bulk.exports.create(kind, format=fmt, filters=given))
    if job.status != "succeeded":
        finish(sdk, session.out, job, None)  # raises: exit 1 with the reason
    with session.out.progress(f"Downloading {out_path.name}") as progress:
        save_whole(out_path, lambda part: sdk.bulk.jobs.result(job.id, part, progress=progress))
    session.out.info(f"Wrote {job.progress.done:,} {kind} rows to {out_path}.")
