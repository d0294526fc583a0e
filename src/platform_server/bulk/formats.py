"""Reading and writing job files, as streams: CSV and JSONL, UTF-8, one line at most
`max_line` bytes. A file is scanned once as it is uploaded (so a file that is not
text, mixes encodings, has an endless line or the wrong columns is refused at once),
then read again, row by row, by the runner."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from platform_server.bulk.kinds import ImportKind
from platform_server.core.errors import ProblemError

FileFormat = Literal["csv", "jsonl"]
FILE_FORMAT = "/problems/file-format"
FILE_ENCODING = "/problems/file-encoding"
FILE_COLUMNS = "/problems/file-columns"
LINE_TOO_LONG = "/problems/file-line-too-long"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


class BadFile(ProblemError):
    """The file as a whole cannot be imported: nothing of it is applied."""

    status = 422

    def __init__(self, type_: str, detail: str) -> None:
        super().__init__(detail, type=type_)
        self.type_ = type_


def format_of(filename: str | None, given: str | None) -> FileFormat:
    if given in ("csv", "jsonl"):
        return given  # type: ignore[return-value]
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    raise BadFile(
        FILE_FORMAT,
        "Cannot tell the file's format: name it .csv or .jsonl, or give format=csv|jsonl.",
    )


def check_columns(kind: ImportKind, names: Sequence[str]) -> None:
    unknown = [
        n
        for n in names
        if n not in kind.columns
        and not any(n.startswith(p) and len(n) > len(p) for p in kind.column_prefixes)
    ]
    extra = [f"{p}<name>" for p in kind.column_prefixes]
    if unknown:
        raise BadFile(
            FILE_COLUMNS,
            f"Unknown column(s) {', '.join(repr(u) for u in unknown[:10])}; "
            f"{kind.name} files take: {', '.join([*kind.columns, *extra])}.",
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise BadFile(FILE_COLUMNS, f"Repeated column(s): {', '.join(repeated)}.")
    missing = [c for c in kind.required if c not in names]
    if missing:
        raise BadFile(FILE_COLUMNS, f"Missing column(s): {', '.join(missing)}.")


@dataclass
class Scan:
    """What the upload scan learned: data lines (the progress total) and the first one."""

    fmt: FileFormat
    max_line: int
    lines: int = 0
    first: str | None = None
    _decoder: Any = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8-sig")())
    _partial: str = ""

    def feed(self, data: bytes, final: bool = False) -> None:
        if b"\x00" in data:
            raise BadFile(FILE_FORMAT, "The file holds NUL bytes: it is not CSV or JSONL text.")
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError:
            raise BadFile(
                FILE_ENCODING,
                f"The file is not UTF-8 throughout (bad bytes after line {self.lines + 1}); "
                "save it as UTF-8.",
            ) from None
        text = self._partial + text
        pieces = text.split("\n")
        self._partial = "" if final else pieces.pop()
        for line in pieces:
            self._line(line)
        if final and self._partial:
            self._line(self._partial)
        if len(self._partial.encode()) > self.max_line:
            self._too_long()

    def _too_long(self) -> None:
        raise BadFile(
            LINE_TOO_LONG, f"Line {self.lines + 1} is longer than {self.max_line:,} bytes."
        )

    def _line(self, line: str) -> None:
        if len(line) > self.max_line and len(line.encode()) > self.max_line:
            self._too_long()
        if not line.strip():
            return
        self.lines += 1
        if self.first is None:
            self.first = line.rstrip("\r")

    def check(self, kind: ImportKind) -> int:
        """The number of data rows (CSV: of lines; a quoted cell may span two); raises
        for a file of the wrong shape."""
        if self.first is None:
            raise BadFile(FILE_FORMAT, "The file is empty.")
        if self.fmt == "csv":
            header = next(csv.reader([self.first]))
            check_columns(kind, [h.strip() for h in header])
            return self.lines - 1
        try:
            first = json.loads(self.first)
        except ValueError:
            raise BadFile(FILE_FORMAT, "The first line is not JSON: this is not JSONL.") from None
        if not isinstance(first, dict):
            raise BadFile(FILE_FORMAT, "Each JSONL line must be a JSON object.")
        check_columns(kind, list(first))
        return self.lines


async def scanned(chunks: AsyncIterable[bytes], scan: Scan, limit: int) -> AsyncIterator[bytes]:
    """`chunks`, passed on as they are scanned (for `Storage.put`)."""
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise ProblemError(f"The file exceeds {limit} bytes.", status=413)
        scan.feed(chunk)
        yield chunk
    scan.feed(b"", final=True)


@dataclass(frozen=True, slots=True)
class RawRow:
    """A data row as read: its cells or object, or why it cannot be read."""

    number: int
    data: dict[str, Any] | None
    error: str | None = None
    key: str | None = None  # of a row that cannot be read, when its key cell can


async def _lines(chunks: AsyncIterable[bytes]) -> AsyncIterator[list[str]]:
    """Decoded lines, a storage chunk's worth at a time (ending "\\n" kept)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    partial = ""
    async for chunk in chunks:
        text = partial + decoder.decode(chunk)
        lines = text.splitlines(keepends=True)
        partial = lines.pop() if lines and not lines[-1].endswith("\n") else ""
        if lines:
            yield lines
    rest = partial + decoder.decode(b"", True)
    if rest:
        yield [rest]


async def read_rows(
    chunks: AsyncIterable[bytes], fmt: FileFormat, kind: ImportKind
) -> AsyncIterator[RawRow]:
    """Every data row of a scanned file, in order (blank lines skipped, still counted)."""
    if fmt == "jsonl":
        number = 0
        async for lines in _lines(chunks):
            for line in lines:
                number += 1
                if line.strip():
                    yield _json_row(number, line, kind)
        return
    header: list[str] | None = None
    number = 0
    pending = ""  # a record whose quoted cell goes on past its line
    async for lines in _lines(chunks):
        records: list[str] = []
        for line in lines:
            pending += line
            if pending.count('"') % 2 == 0:
                records.append(pending)
                pending = ""
        for cells in csv.reader(records):
            number += 1
            if header is None:
                header = [h.strip() for h in cells]
                continue
            if not cells or not any(c.strip() for c in cells):
                continue
            yield _csv_row(number, header, cells, kind.key)
    if pending:
        number += 1
        yield RawRow(number, None, "row: an unclosed quote runs to the end of the file")


def _csv_row(number: int, header: list[str], cells: list[str], key: str) -> RawRow:
    width = len(header)
    if len(cells) > width:
        at = header.index(key) if key in header else None
        named = cells[at].strip() or None if at is not None else None
        return RawRow(number, None, f"row: {len(cells)} cells, the header has {width}", named)
    if len(cells) < width:
        cells = cells + [""] * (width - len(cells))
    return RawRow(number, dict(zip(header, cells, strict=True)))


def _json_row(number: int, line: str, kind: ImportKind) -> RawRow:
    try:
        # Decimal, never float: prices written as JSON numbers keep their digits.
        data = json.loads(line, parse_float=Decimal)
    except ValueError as exc:
        return RawRow(number, None, f"line: not JSON: {exc}")
    if not isinstance(data, dict):
        return RawRow(number, None, "line: must be a JSON object")
    try:
        check_columns(kind, list(data))
    except BadFile as exc:
        return RawRow(number, None, f"line: {exc.detail}")
    return RawRow(number, data)


# -- writing -----------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def encode_rows(
    fmt: FileFormat, columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *, header: bool
) -> bytes:
    """`rows` as file text (with the CSV header first when `header`)."""
    if fmt == "jsonl":
        return "".join(
            json.dumps(dict(r), ensure_ascii=False, separators=(",", ":"), default=_jsonable) + "\n"
            for r in rows
        ).encode()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(columns)
    writer.writerows(
        [v if type(v) in _AS_IS else _cell(v) for v in map(r.get, columns)] for r in rows
    )
    return buffer.getvalue().encode()


# What the csv module writes as `_cell` would (str() of it; None as an empty cell):
# passed as they are, an export's cells skip a call each.
_AS_IS = frozenset({str, int, float, Decimal, type(None)})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
