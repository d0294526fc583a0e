"""Nested values (an order's items, an address) for people: never a Python repr.

On a terminal an object is an indented key-value block and a list of objects a sub-table;
in text (dry runs, one-line cells) the same as indented ``key: value`` lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from platform_cli.context import Kind


def plain(value: Any) -> str:
    """A value for stable, piped output (a cell, a line)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value).replace("\t", " ").replace("\n", " ")


def _kind(key: str) -> Kind:
    if key.endswith("_at"):
        return "time"
    return "id" if key == "id" or key.endswith("_id") else "text"


def inline(value: Any) -> str:
    """A nested value on one line for people: ``name: Ada, city: Oslo`` (never a repr)."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {inline(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return "; ".join(inline(v) for v in value)
    return "" if value is None else str(value)


def block(value: Any, indent: str) -> list[str]:
    """A nested value as indented lines: ``key: value``, lists of objects as ``- `` items."""
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines += [f"{indent}{key}:", *block(item, indent + "  ")]
            else:
                lines.append(f"{indent}{key}: {plain(item) if item != {} else ''}".rstrip())
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            inner = block(item, indent + "  ") if isinstance(item, dict) else []
            if inner:
                lines += [f"{indent}- {inner[0].strip()}", *inner[1:]]
            else:
                lines.append(f"{indent}- {plain(item)}")
        return lines
    return [f"{indent}{plain(value)}"]


def rich_nested(cell: Callable[[Any, Kind], Any], value: Any) -> Any:
    """A nested value on a terminal: an object as an indented key-value block, a list of
    objects as a sub-table; None for anything a ``cell`` shows on one line."""
    from rich import box
    from rich.table import Table

    if isinstance(value, dict) and value:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="dim")
        table.add_column(overflow="fold")
        for key, item in value.items():
            inner = rich_nested(cell, item)
            table.add_row(key, inner if inner is not None else cell(item, _kind(key)))
        return table
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = _shown_keys(list(dict.fromkeys(k for item in value for k in item)))
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
        for key in keys:
            header = key.replace("_", " ").upper()
            table.add_column(header, overflow="fold", min_width=min(len(header), 10))
        for item in value:
            table.add_row(*(cell(item.get(key), _kind(key)) for key in keys))
        return table
    return None


# Keys that name a row for a person; where one is there, ids stay in JSON output only.
_HUMAN_KEYS = {"sku", "name", "email", "number", "reference"}


def _shown_keys(keys: list[str]) -> list[str]:
    """The sub-table's columns: a row's ids are left out when it also has a name or
    reference (a product line shows its SKU and name, not its product id)."""
    if not _HUMAN_KEYS.intersection(keys):
        return keys
    return [k for k in keys if _kind(k) != "id"]
