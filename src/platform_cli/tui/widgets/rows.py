"""The data of a ``ResourceTable``: its columns and rows, without any Textual import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from rich.text import Text

CellRenderer = Callable[[Any], "str | Text"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int = 10
    """Cells; 0 makes the column flexible: it takes the width left over (``min_width`` at least)."""
    align: Literal["left", "right"] = "left"
    render: CellRenderer | None = None
    sortable: bool = True
    min_width: int = 10
    fit: bool = False
    """Fixed, as wide as its longest value (at least ``min_width``, at most ``width``): for
    values that must not be cut, such as who did something (an email)."""


class Row:
    """One line of the table: a unique key (the resource id) and the values to show."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, values: dict[str, Any]) -> None:
        self.key = key
        self.values = values

    def __repr__(self) -> str:
        return f"Row({self.key!r})"


def sort_value(value: Any) -> tuple[int, Any]:
    # None sorts last; mixed types compare as text rather than raising.
    if value is None:
        return (2, "")
    if isinstance(value, str):
        return (1, value.lower())
    return (0, value)
