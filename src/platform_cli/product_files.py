"""Product files for `platform products import|export`: CSV and JSONL, read and written as streams.

A file row becomes one product item (upsert by SKU). Rows are read lazily, so a file of
any size is read in constant memory (only the failures are kept, for the report). The
client-side batch path that sends them in chunks is ``batch_import``; writing files for
`export` is in ``product_export``. No UI dependencies.

Columns (CSV) or keys (JSONL): ``sku,name,description,price,currency,category,stock,
low_stock_threshold,status``, plus ``attributes`` (a JSON object) and, in CSV,
``attr.<name>`` columns (string values). An empty CSV cell leaves the field out: a new
product gets the default, an existing one keeps its value.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
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
EXPORT_FIELDS = (*FIELDS, "attributes")
INT_FIELDS = frozenset({"stock", "low_stock_threshold"})
ATTR_PREFIX = "attr."

CHUNK_ITEMS = 1000  # the most products.batch accepts
CHUNK_BYTES = 900_000  # under the server's 1 MiB body limit, with room for the envelope
_ITEM_OVERHEAD = 2  # the comma between items and the braces' slack


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


# -- reading -----------------------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from the file, for the progress bar."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


@dataclass
class Source:
    """An open input file: its text, how many bytes were read so far, its size if known."""

    name: str
    text: IO[str]
    counter: _CountingReader
    size: int | None

    @property
    def position(self) -> int:
        return self.counter.count

    def close(self) -> None:
        self.text.close()


def open_source(path: str, fmt: FileFormat) -> Source:
    """Open ``path`` (``-`` = stdin) as UTF-8 text (a BOM is skipped), read incrementally."""
    raw: IO[bytes]
    if path == "-":
        raw = sys.stdin.buffer
        size = None
        name = "stdin"
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed through Source.close
        except FileNotFoundError:
            raise UsageError(f"no such file: {path}") from None
        except OSError as exc:
            raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from None
        try:
            size = Path(path).stat().st_size
        except OSError:
            size = None
        name = path
    counter = _CountingReader(raw)
    text = io.TextIOWrapper(
        io.BufferedReader(counter, buffer_size=1 << 16),
        encoding="utf-8-sig",
        newline="" if fmt == "csv" else None,
    )
    return Source(name=name, text=text, counter=counter, size=size)


@dataclass
class Row:
    """One data row of the file: the item to send, or why it cannot be sent."""

    number: int  # CSV: header = 1, first data row = 2; JSONL: the line number
    item: dict[str, Any] | None
    sku: str | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)


def _cell_int(value: str) -> int | str:
    text = value.strip()
    try:
        return int(text)
    except ValueError:
        return text  # the server names the field and says why


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


def csv_rows(text: IO[str]) -> Iterator[Row]:
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError("the CSV file is empty (no header row)") from None
    check_header(header)
    names = [h.strip() for h in header]
    plain = [(i, n) for i, n in enumerate(names) if n in FIELDS]
    attrs = [(i, n[len(ATTR_PREFIX) :]) for i, n in enumerate(names) if n.startswith(ATTR_PREFIX)]
    attributes_at = names.index("attributes") if "attributes" in names else None
    width = len(names)
    sku_at = names.index("sku")
    number = 1
    for cells in reader:
        number += 1
        if not cells or not any(c.strip() for c in cells):
            continue  # a blank line still counts as a row, as in a spreadsheet
        if len(cells) > width:
            sku = cells[sku_at].strip() or None
            yield Row(number, None, sku, [("row", f"{len(cells)} cells, the header has {width}")])
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        item: dict[str, Any] = {}
        for i, name in plain:
            value = cells[i]
            if value.strip() == "":
                continue
            item[name] = _cell_int(value) if name in INT_FIELDS else value
        errors: list[tuple[str, str]] = []
        attributes: dict[str, Any] | None = None
        if attributes_at is not None and cells[attributes_at].strip():
            try:
                parsed = json.loads(cells[attributes_at])
            except ValueError as exc:
                errors.append(("attributes", f"not JSON: {exc}"))
            else:
                if isinstance(parsed, dict):
                    attributes = _attribute_values(parsed)
                else:
                    errors.append(("attributes", "must be a JSON object"))
        for i, key in attrs:
            if cells[i].strip() != "":
                attributes = attributes if attributes is not None else {}
                attributes[key] = cells[i]
        if attributes is not None:
            item["attributes"] = attributes
        sku = item.get("sku") if isinstance(item.get("sku"), str) else None
        yield Row(number, None if errors else item, sku, errors)


def _attribute_values(value: Any) -> Any:
    """Attribute values keep their JSON types: numbers parsed as Decimal become floats again,
    and ``null`` stays ``null`` (the SDK would leave a ``None`` out; ``NULL`` sends it)."""
    if value is None:
        from platform_sdk import NULL

        return NULL
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _attribute_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_attribute_values(v) for v in value]
    return value


def jsonl_rows(text: IO[str]) -> Iterator[Row]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            # Decimal, never float, for prices written as JSON numbers.
            item = json.loads(line, parse_float=Decimal)
        except ValueError as exc:
            yield Row(number, None, None, [("line", f"not JSON: {exc}")])
            continue
        if not isinstance(item, dict):
            yield Row(number, None, None, [("line", "must be a JSON object")])
            continue
        if "attributes" in item:
            item["attributes"] = _attribute_values(item["attributes"])
        sku = item.get("sku") if isinstance(item.get("sku"), str) else None
        yield Row(number, item, sku)


def read_rows(source: Source, fmt: FileFormat) -> Iterator[Row]:
    rows = csv_rows(source.text) if fmt == "csv" else jsonl_rows(source.text)
    last = 0
    try:
        for row in rows:
            last = row.number
            yield row
    except UnicodeDecodeError:
        raise CLIError(f"{source.name} is not UTF-8 text (after row {last})") from None
    except csv.Error as exc:
        raise CLIError(f"{source.name}: malformed CSV after row {last}: {exc}") from None


def _size(item: Mapping[str, Any]) -> int:
    return len(json.dumps(item, default=str, ensure_ascii=False).encode()) + _ITEM_OVERHEAD


def chunks(
    rows: Iterable[Row], *, max_items: int = CHUNK_ITEMS, max_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[list[Row], list[Row]]]:
    """``(sendable, rejected)`` groups: at most ``max_items`` items and ``max_bytes`` of JSON.

    Rejected rows (unreadable, or too large for one request) travel with the chunk they
    were read in, so reports stay in file order.
    """
    send: list[Row] = []
    rejected: list[Row] = []
    size = 0
    for row in rows:
        if row.item is None:
            rejected.append(row)
            continue
        item_size = _size(row.item)
        if item_size > max_bytes:
            row.errors = [("row", f"too large for one request ({item_size:,} bytes of JSON)")]
            row.item = None
            rejected.append(row)
            continue
        if send and (len(send) >= max_items or size + item_size > max_bytes):
            yield send, rejected
            send, rejected, size = [], [], 0
        send.append(row)
        size += item_size
    if send or rejected:
        yield send, rejected


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

    def fail(self, row: Row) -> None:
        self.failed += 1
        self.failures.append(Failure(row.number, row.sku, row.errors))

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


def loc_text(loc: Any) -> str:
    if isinstance(loc, list | tuple):
        parts = [str(p) for p in loc]
        if parts and parts[0] == "body":
            parts = parts[1:]
        return ".".join(parts) or "row"
    return str(loc)
