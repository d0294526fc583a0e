"""Product files for `platform products import|export`, which run as bulk jobs on the
server: the format from the name, the file opened as text and its CSV header checked
before anything is uploaded, and the summary the import prints.

Columns (CSV) or keys (JSONL): ``sku,name,description,price,currency,category,stock,
low_stock_threshold,status``, plus ``attributes`` (a JSON object) and, in CSV,
``attr.<name>`` columns (string values). The server reads the rows
(`platform_server/bulk/products_kind.py`); this module only names the columns a typo
must not slip past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from platform_cli.errors import CLIError, UsageError

FileFormat = Literal["csv", "jsonl"]

FIELDS = (
    "sku",
    "name",
    "description",
    "price",
    "currency",
    "category",
    "stock",
    "low_stock_threshold",
    "status",
)
ATTR_PREFIX = "attr."


def detect_format(path: str, fmt: str | None) -> FileFormat:
    """``--format`` if given, else the extension (``.csv``, ``.jsonl``/``.ndjson``)."""
    if fmt:
        return "jsonl" if fmt == "jsonl" else "csv"
    suffix = Path(path).suffix.lower() if path != "-" else ""
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if path == "-":
        raise UsageError("reading stdin: say which format with --format csv|jsonl")
    raise UsageError(
        f"cannot tell the format of {path!r} from its extension; use --format csv|jsonl"
    )


def open_text(path: str, fmt: FileFormat) -> IO[str]:
    """``path`` as UTF-8 text (a BOM is skipped); a missing file is a usage error."""
    try:
        return open(path, encoding="utf-8-sig", newline="" if fmt == "csv" else None)
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None


def check_header(header: list[str]) -> None:
    """Unknown or repeated columns are a usage error: a typo must not import nothing."""
    names = [h.strip() for h in header]
    if not any(names):
        raise UsageError("the CSV file is empty (no header row)")
    unknown = [
        n
        for n in names
        if n not in FIELDS
        and n != "attributes"
        and not (n.startswith(ATTR_PREFIX) and len(n) > len(ATTR_PREFIX))
    ]
    if unknown:
        raise UsageError(
            f"unknown column(s) {', '.join(repr(u) for u in unknown)}; known: "
            f"{', '.join(FIELDS)}, attributes, attr.<name>"
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UsageError(f"repeated column(s): {', '.join(repeated)}")
    if "sku" not in names:
        raise UsageError("the file needs a 'sku' column (products are matched by SKU)")


# -- importing ---------------------------------------------------------------------------------


@dataclass
class Failure:
    row: int
    sku: str | None
    errors: list[tuple[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "sku": self.sku,
            "errors": [{"field": f, "msg": m} for f, m in self.errors],
        }


@dataclass
class ImportReport:
    """Counts over the whole file; on a dry run, what *would* be created or updated."""

    file: str
    format: FileFormat
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "failures": [f.as_dict() for f in self.failures],
        }
