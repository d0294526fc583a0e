"""Options both import verbs take: `platform bulk import KIND FILE` and
`platform products import FILE`, which is `bulk import products FILE --wait`."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from platform_cli.params import opt

FileFormat = Literal["csv", "jsonl"]

FileFormatOption = Annotated[
    FileFormat | None, opt("--format", "-f", help="csv or jsonl (default: from the extension).")
]
ServerDryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Check every row on the server; change nothing.")
]
CreateCategoriesOption = Annotated[
    bool,
    typer.Option(
        "--create-categories",
        help="Products: allow categories no product has yet (else such a row fails, so a "
        "typo does not start a new category).",
    ),
]
