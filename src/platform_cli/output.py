"""Rendering results: table (Rich on a terminal, tab-separated when piped), json, jsonl, yaml, csv.

Lists are streamed: every format writes item by item as the SDK pages through results,
so ``--all`` runs in constant memory. Rich is imported only when a terminal needs it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from platform_cli import terminal
from platform_cli.context import Column, Kind
from platform_cli.nested import block, inline
from platform_cli.nested import plain as _plain

if TYPE_CHECKING:
    from platform_cli.shape import Shape

TABLE_CHUNK = 100


def to_data(obj: Any) -> Any:
    """JSON-ready data: pydantic models through ``model_dump(mode="json")``."""
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    return obj


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


# Below how many seconds an age reads as these words, or is counted in (seconds, unit).
_DAY = 86400
_AGES: tuple[tuple[float, str | tuple[int, str]], ...] = (
    (90, "a minute"),
    (45 * 60, (60, "minutes")),
    (90 * 60, "an hour"),
    (22 * 3600, (3600, "hours")),
    (36 * 3600, "a day"),
    (26 * _DAY, (_DAY, "days")),
    (45 * _DAY, "a month"),
    (320 * _DAY, (30 * _DAY, "months")),
    (548 * _DAY, "a year"),
    (float("inf"), (365 * _DAY, "years")),
)


def relative_time(when: datetime, now: datetime | None = None) -> str:
    """ "3 minutes ago", "in 2 hours", "just now"."""
    now = now or datetime.now(UTC)
    seconds = (now - when).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 45:
        return "just now" if not future else "in a few seconds"
    words = next(words for below, words in _AGES if seconds < below)
    text = words if isinstance(words, str) else f"{round(seconds / words[0])} {words[1]}"
    return f"in {text}" if future else f"{text} ago"


def lookup(data: Mapping[str, Any], key: str) -> Any:
    if key in data:  # a field picked by --columns keeps its dotted name
        return data[key]
    value: Any = data
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _shown(value: Any, kind: Kind) -> Any:
    """The value as the column's kind shows it in every format but JSON/YAML/CSV."""
    return f"#{value}" if kind == "ref" and value is not None else value


def infer_columns(item: Mapping[str, Any]) -> list[Column]:
    columns = []
    for key, value in item.items():
        kind: Kind = "text"
        if key.endswith("_at") or key.endswith("_time"):
            kind = "time"
        elif key == "id" or key.endswith("_id"):
            kind = "id"
        elif isinstance(value, bool):
            kind = "bool"
        columns.append(Column(key.replace("_", " ").upper(), key, kind))
    return columns


class Output:
    """Where and how a command prints. Data goes to stdout, chatter to stderr."""

    def __init__(
        self,
        fmt: str = "table",
        *,
        tty: bool | None = None,
        color: bool | None = None,
        spinner: bool | None = None,
        shape: Shape | None = None,
    ) -> None:
        self.format = fmt
        self.shape = shape
        self.tty = terminal.stdout_is_tty() if tty is None else tty
        self.color = terminal.color_enabled() if color is None else color
        self.spinner_enabled = (
            terminal.stderr_is_tty() if spinner is None else spinner
        ) and self.format == "table"
        self._console: Any = None
        self._err_console: Any = None

    # -- consoles (Rich, lazily) -----------------------------------------------------------

    @property
    def rich(self) -> bool:
        return self.format == "table" and self.tty

    def console(self) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                file=sys.stdout,
                force_terminal=self.tty,
                no_color=not self.color,
                color_system="auto" if self.color else None,  # NO_COLOR: no ANSI at all
                highlight=False,
                emoji=False,
            )
        return self._console

    def err_console(self) -> Any:
        if self._err_console is None:
            from rich.console import Console

            self._err_console = Console(
                file=sys.stderr,
                force_terminal=True,
                no_color=not self.color,
                color_system="auto" if self.color else None,
                highlight=False,
            )
        return self._err_console

    @contextlib.contextmanager
    def spinner(self, text: str) -> Iterator[None]:
        """A spinner on stderr while waiting, only when stderr is a terminal."""
        if not self.spinner_enabled:
            yield
            return
        with self.err_console().status(text, spinner="dots"):
            yield

    @contextlib.contextmanager
    def progress(self, text: str) -> Iterator[Callable[[int, int | None], None]]:
        """A progress bar on stderr for an upload or download, only when stderr is a
        terminal; yields the ``progress(done, total)`` callback the SDK calls."""
        if not self.spinner_enabled:
            yield lambda _done, _total: None
            return
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TransferSpeedColumn,
        )

        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
        with Progress(*columns, TransferSpeedColumn(), console=self.err_console()) as bar:
            task = bar.add_task(text, total=None)

            def advance(done: int, total: int | None) -> None:
                bar.update(task, completed=done, total=total)

            yield advance

    # -- raw writing -----------------------------------------------------------------------

    def write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def info(self, text: str) -> None:
        """A human message on stderr (never mixed into data on stdout)."""
        if self.color and terminal.stderr_is_tty():
            self.err_console().print(text, markup=False, style="dim")
        else:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def warn(self, text: str) -> None:
        if self.color and terminal.stderr_is_tty():
            self.err_console().print(f"Warning: {text}", markup=False, style="yellow")
        else:
            sys.stderr.write(f"Warning: {text}\n")
            sys.stderr.flush()

    # -- cells -----------------------------------------------------------------------------

    def _nested(self, value: Any) -> Any:
        from platform_cli.nested import rich_nested

        return rich_nested(self._cell, value)

    def _cell(self, value: Any, kind: Kind) -> Any:
        if not self.rich:
            return _plain(value)
        from rich.text import Text

        if value is None or value == "" or value == []:
            return Text("-", style="dim")
        if kind == "time":
            when = parse_time(value)
            if when is not None:
                return Text(relative_time(when))
        if kind == "id":
            return Text(str(value), style="cyan")
        if kind == "ref":
            return Text(str(_shown(value, kind)), style="bold")
        if kind == "bool" or isinstance(value, bool):
            return Text("yes" if value else "no", style="green" if value else "dim")
        if kind == "status":
            style = {"active": "green", "ok": "green", "suspended": "red"}.get(str(value), "")
            return Text(str(value), style=style)
        if isinstance(value, list):
            return Text(", ".join(inline(v) for v in value))
        if isinstance(value, dict):
            return Text(inline(value))
        return Text(str(value))

    # -- one object ------------------------------------------------------------------------

    def one(self, obj: Any, columns: Sequence[Column] | None = None) -> None:
        """A single object: key/value table, or the exact model JSON/YAML/CSV."""
        data = to_data(obj)
        shape = self.shape
        if shape is not None:
            if shape.format is not None:
                shape.print_one(self.write, data)
                return
            if shape.fields:
                columns = shape.columns(columns)
                data = shape.select(data, columns)
        fmt = self.format
        if fmt == "json":
            self.write(json.dumps(data, indent=2) + "\n")
        elif fmt == "jsonl":
            self.write(json.dumps(data, separators=(",", ":")) + "\n")
        elif fmt == "yaml":
            self.write(_yaml(data))
        elif fmt == "csv":
            self.many([data], columns)
        elif not isinstance(data, Mapping):
            self.write(f"{_plain(data)}\n")
        else:
            columns = list(columns) if columns else infer_columns(data)
            # Show every field of the object, listed columns first with their kinds.
            known = {c.key for c in columns}
            columns += [c for c in infer_columns(data) if c.key not in known]
            if not self.rich:
                for col in columns:
                    self.write(f"{col.key}\t{_plain(_shown(lookup(data, col.key), col.kind))}\n")
                return
            from rich import box
            from rich.table import Table

            table = Table(show_header=False, box=box.SIMPLE, pad_edge=False)
            table.add_column(style="bold")
            table.add_column(overflow="fold")
            for col in columns:
                value = lookup(data, col.key)
                nested = self._nested(value)
                cell = nested if nested is not None else self._cell(value, col.kind)
                table.add_row(col.key, cell)
            self.console().print(table)

    # -- many objects (streamed) -------------------------------------------------------------

    def many(
        self,
        items: Iterable[Any],
        columns: Sequence[Column] | None = None,
        *,
        empty: str = "No results.",
    ) -> int:
        """Stream a list in the current format; returns how many items were written."""
        shape = self.shape
        if shape is not None:
            if shape.format is not None:
                return shape.print_many(self.write, (to_data(item) for item in items))
            if shape.fields:
                columns = shape.columns(columns)
                picked = columns
                items = (shape.select(to_data(item), picked) for item in items)
        fmt = self.format
        count = 0
        if fmt == "json":
            # Byte-for-byte what json.dumps(list, indent=2) prints, written item by item.
            for item in items:
                text = json.dumps(to_data(item), indent=2).replace("\n", "\n  ")
                self.write(("[\n  " if count == 0 else ",\n  ") + text)
                count += 1
            self.write("\n]\n" if count else "[]\n")
        elif fmt == "jsonl":
            for item in items:
                self.write(json.dumps(to_data(item), separators=(",", ":")) + "\n")
                count += 1
        elif fmt == "yaml":
            for item in items:
                self.write(_yaml([to_data(item)]))
                count += 1
            if not count:
                self.write("[]\n")
        elif fmt == "csv":
            writer: Any = None
            fields: list[str] = []
            for item in items:
                data = to_data(item)
                if writer is None:
                    fields = list(data) if isinstance(data, Mapping) else ["value"]
                    writer = _CsvLine(fields)
                    self.write(writer.header())
                row = data if isinstance(data, Mapping) else {"value": data}
                self.write(writer.row(row))
                count += 1
        elif self.rich:
            count = self._rich_table(items, columns, empty)
        else:
            header_done = False
            cols: list[Column] = list(columns or [])
            for item in items:
                data = to_data(item)
                if not header_done:
                    cols = cols or infer_columns(data)
                    self.write("\t".join(c.header for c in cols) + "\n")
                    header_done = True
                cells = (_plain(_shown(lookup(data, c.key), c.kind)) for c in cols)
                self.write("\t".join(cells) + "\n")
                count += 1
        return count

    def _rich_table(
        self, items: Iterable[Any], columns: Sequence[Column] | None, empty: str
    ) -> int:
        from rich import box
        from rich.table import Table

        count = 0
        cols: list[Column] = list(columns or [])
        widths: list[int] = []
        chunk: list[dict[str, Any]] = []

        def flush(first: bool) -> None:
            nonlocal widths
            table = Table(box=box.SIMPLE_HEAD, show_header=first, pad_edge=False)
            for i, col in enumerate(cols):
                table.add_column(
                    col.header,
                    style="",
                    header_style="bold",
                    min_width=widths[i] if widths else None,
                    no_wrap=col.kind in ("id", "time"),
                )
            rendered = [[self._cell(lookup(d, c.key), c.kind) for c in cols] for d in chunk]
            for row in rendered:
                table.add_row(*row)
            if not widths:
                widths = [
                    max([len(c.header), *(len(r[i].plain) for r in rendered)])
                    for i, c in enumerate(cols)
                ]
            self.console().print(table)
            chunk.clear()

        first = True
        for item in items:
            data = to_data(item)
            if not cols:
                cols = infer_columns(data)
            chunk.append(data)
            count += 1
            if len(chunk) >= TABLE_CHUNK:
                flush(first)
                first = False
        if chunk:
            flush(first)
        if count == 0:
            self.console().print(empty, style="dim")
        return count

    # -- results of mutations -----------------------------------------------------------------

    def done(self, message: str, data: Mapping[str, Any]) -> None:
        """A mutation without a response body: a sentence in table form, ``data`` otherwise."""
        if self.format == "table":
            if self.rich:
                self.console().print(f"[green]✓[/green] {_escape(message)}")
            else:
                self.write(message + "\n")
        else:
            self.one(dict(data))

    def dry_run(
        self,
        action: str,
        *,
        request: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None:
        """What a mutation would do; nothing was changed."""
        payload: dict[str, Any] = {"dry_run": True, "action": action}
        if request is not None:
            payload["request"] = dict(request)
        if before is not None:
            payload["before"] = dict(before)
        if after is not None:
            payload["after"] = dict(after)
            changes = {
                k: {"from": (before or {}).get(k), "to": v}
                for k, v in after.items()
                if (before or {}).get(k) != v
            }
            payload["changes"] = changes
        if self.format != "table":
            self.one(payload)
            return
        lines = [f"Dry run: would {action}. Nothing was changed."]
        if before is not None and after is not None:
            changes = payload["changes"]
            if not changes:
                lines.append("  (no changes)")
            for key in after:
                if key in changes:
                    lines.append(f"  - {key}: {_plain(before.get(key))}")
                    lines.append(f"  + {key}: {_plain(after.get(key))}")
        elif request is not None:
            lines += block(dict(request), "  ")
        if self.rich:
            console = self.console()
            for line in lines:
                style = (
                    "red" if line.startswith("  - ") else "green" if line.startswith("  + ") else ""
                )
                console.print(line, style=style or None, markup=False)
        else:
            self.write("\n".join(lines) + "\n")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _yaml(data: Any) -> str:
    import yaml

    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False))


class _CsvLine:
    def __init__(self, fields: list[str]) -> None:
        self.fields = fields

    def _line(self, values: list[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(values)
        return buffer.getvalue()

    def header(self) -> str:
        return self._line(self.fields)

    def row(self, data: Mapping[str, Any]) -> str:
        return self._line(
            [
                _plain(data.get(f)) if not isinstance(data.get(f), str) else str(data.get(f))
                for f in self.fields
            ]
        )
