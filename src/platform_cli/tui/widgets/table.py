"""A virtual table for long, paged lists: only the visible lines are ever rendered.

Textual's DataTable rebuilds per-row offsets on every change, which gets slow past a few
tens of thousands of rows; this table keeps a plain list and renders from it, so
appending page 1,000 of orders costs what appending page 1 did. Rows hold a small dict of
values (never whole SDK models), formatted per column when a line is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from platform_cli.tui.format import DASH
from platform_cli.tui.widgets.rows import CellRenderer, Column, Row, sort_value

__all__ = ["CellRenderer", "Column", "ResourceTable", "Row"]


class ResourceTable(ScrollView, can_focus=True):
    """Rows with a fixed header, a row cursor, mouse selection and header-click sorting."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--cursor-blurred",
        "resource-table--empty",
    }

    DEFAULT_CSS = """
    ResourceTable {
        background: $surface;
        height: 1fr;
        scrollbar-gutter: stable;
    }
    ResourceTable > .resource-table--header { text-style: bold; background: $panel; }
    ResourceTable > .resource-table--cursor { background: $accent; color: $text; }
    ResourceTable > .resource-table--cursor-blurred { background: $accent 40%; }
    ResourceTable > .resource-table--empty { color: $text-muted; text-style: italic; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, init=False)

    # How close to the end of the loaded rows the cursor (or the viewport) must come
    # before the table asks for the next page.
    NEAR_END_ROWS = 50

    class TableMessage(Message):
        """A message from this table; ``control`` is the table (for ``@on`` selectors)."""

        def __init__(self, table: ResourceTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> ResourceTable:
            return self.table

    class Highlighted(TableMessage):
        def __init__(self, table: ResourceTable, row: Row | None) -> None:
            super().__init__(table)
            self.row = row

    class Selected(TableMessage):
        def __init__(self, table: ResourceTable, row: Row) -> None:
            super().__init__(table)
            self.row = row

    class HeaderClicked(TableMessage):
        def __init__(self, table: ResourceTable, column: Column) -> None:
            super().__init__(table)
            self.column = column

    class NearEnd(TableMessage):
        pass

    def __init__(
        self,
        columns: Iterable[Column],
        *,
        empty_text: str = "Nothing here.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: list[Column] = list(columns)
        self.empty_text = empty_text
        self.rows: list[Row] = []
        self._index: dict[str, int] = {}
        self._widths: list[int] = [c.width for c in self.columns]
        self._fitted: dict[str, int] = {}  # the longest value of each ``fit`` column
        self._cache: LRUCache[tuple[Any, ...], Strip] = LRUCache(2000)
        self._generation = 0
        self._styles: dict[str, Style] = {}
        self._highlighted_key: str | None = None
        self._near_end_at = -1
        self.sort_key: str | None = None
        self.sort_reverse = False

    # -- data ---------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def current(self) -> Row | None:
        if 0 <= self.cursor_row < len(self.rows):
            return self.rows[self.cursor_row]
        return None

    def get(self, key: str) -> Row | None:
        index = self._index.get(key)
        return None if index is None else self.rows[index]

    def _reindex(self) -> None:
        self._index = {row.key: i for i, row in enumerate(self.rows)}

    def _changed(self) -> None:
        self._generation += 1
        self._cache.clear()
        self._update_virtual_size()
        self.refresh()

    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row; the cursor stays on the same key when it is still there."""
        keep = self.current.key if self.current else None
        unique: dict[str, Row] = {}
        for row in rows:
            unique.setdefault(row.key, row)
        self.rows = list(unique.values())
        self._reindex()
        self._near_end_at = -1
        self._fitted = {}
        self._measure(self.rows)
        self._changed()
        index = self._index.get(keep, None) if keep is not None else None
        self._move_to(index if index is not None else min(self.cursor_row, len(self.rows) - 1))
        self._announce()

    def extend(self, rows: Iterable[Row]) -> int:
        """Append rows (a next page); rows already present are updated instead. Returns how
        many were added."""
        added = 0
        for row in rows:
            index = self._index.get(row.key)
            if index is None:
                self._index[row.key] = len(self.rows)
                self.rows.append(row)
                added += 1
            else:
                self.rows[index] = row
        self._measure(self.rows[-added:] if added else [])
        self._changed()
        self._announce()
        return added

    def prepend(self, rows: list[Row]) -> int:
        """Insert rows at the top (newest first). The view stays on the same rows unless it
        is at the very top, where it follows the new ones."""
        fresh = [r for r in rows if r.key not in self._index]
        if not fresh:
            return 0
        following = self.cursor_row == 0 and self.scroll_y == 0
        self.rows[0:0] = fresh
        self._measure(fresh)
        self._reindex()
        self._changed()
        if not following and len(self.rows) > len(fresh):
            self.cursor_row += len(fresh)
            self.scroll_to(y=self.scroll_y + len(fresh), animate=False)
        self._announce()
        return len(fresh)

    def update_row(self, row: Row) -> bool:
        index = self._index.get(row.key)
        if index is None:
            return False
        self.rows[index] = row
        self._generation += 1
        self._cache.clear()
        self.refresh()
        return True

    def remove_row(self, key: str) -> None:
        index = self._index.pop(key, None)
        if index is None:
            return
        del self.rows[index]
        self._reindex()
        self._changed()
        self._move_to(min(self.cursor_row, len(self.rows) - 1))
        self._announce()

    def truncate(self, count: int) -> None:
        """Keep only the first ``count`` rows (bounded memory for live feeds)."""
        if len(self.rows) <= count:
            return
        del self.rows[count:]
        self._reindex()
        self._changed()
        self._move_to(min(self.cursor_row, len(self.rows) - 1))

    def clear(self) -> None:
        self.rows = []
        self._index = {}
        self.cursor_row = 0
        self._near_end_at = -1
        self.scroll_to(y=0, animate=False)
        self._changed()
        self._announce()

    def sort_rows(self, key: str | None, reverse: bool = False) -> None:
        """Sort the loaded rows by a column's value (client-side); ``None`` only marks it."""
        self.sort_key, self.sort_reverse = key, reverse
        if key is not None:
            current = self.current.key if self.current else None
            self.rows.sort(key=lambda row: sort_value(row.values.get(key)), reverse=reverse)
            self._reindex()
            if current is not None:
                self._move_to(self._index.get(current, 0))
        self._changed()

    def refresh_cells(self) -> None:
        """Redraw every line (relative times move on)."""
        self._cache.clear()
        self.refresh()

    # -- cursor -------------------------------------------------------------------------------

    def select_key(self, key: str) -> bool:
        index = self._index.get(key)
        if index is None:
            return False
        self._move_to(index)
        return True

    def _move_to(self, index: int) -> None:
        index = max(0, min(index, len(self.rows) - 1)) if self.rows else 0
        self.cursor_row = index

    def watch_cursor_row(self, old: int, new: int) -> None:
        # Cached lines are keyed by whether the cursor is on them: only the two rows that
        # changed are drawn again.
        self.refresh()
        self._scroll_to_cursor()
        self._announce()
        self._check_near_end(new)

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    def _announce(self, force: bool = False) -> None:
        row = self.current
        key = row.key if row else None
        if force or key != self._highlighted_key:
            self._highlighted_key = key
            self.post_message(self.Highlighted(self, row))

    def _check_near_end(self, index: int) -> None:
        if not self.rows or self._near_end_at == len(self.rows):
            return
        if index >= len(self.rows) - self.NEAR_END_ROWS:
            self._near_end_at = len(self.rows)
            self.post_message(self.NearEnd(self))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        bottom = round(new_value) + self.scrollable_content_region.height
        self._check_near_end(bottom)

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._move_to(self.cursor_row - max(1, self.scrollable_content_region.height - 2))

    def action_page_down(self) -> None:
        self._move_to(self.cursor_row + max(1, self.scrollable_content_region.height - 2))

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self.rows) - 1)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x + round(self.scroll_x))
            if column is not None and column.sortable:
                self.post_message(self.HeaderClicked(self, column))
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self.rows):
            self._move_to(index)
            if event.chain >= 2:
                self.action_select()

    def on_focus(self) -> None:
        self.refresh()  # the cursor row's look depends on focus (part of the cache key)

    def on_blur(self) -> None:
        self.refresh()

    # -- layout and rendering -----------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def set_columns(self, columns: Iterable[Column]) -> None:
        self.columns = list(columns)
        self._changed()

    def _measure(self, rows: Iterable[Row]) -> None:
        """Keep the longest value of each ``fit`` column, as rows arrive."""
        for column in self.columns:
            if column.fit:
                longest = max((len(str(r.values.get(column.key) or "")) for r in rows), default=0)
                self._fitted[column.key] = max(self._fitted.get(column.key, 0), longest)

    def _width(self, column: Column) -> int:
        if not column.fit:
            return column.width
        wanted = max(column.min_width, len(column.label), self._fitted.get(column.key, 0))
        return min(column.width, wanted)

    def _layout(self, available: int) -> list[int]:
        fixed = sum(self._width(c) for c in self.columns if c.width) + len(self.columns) + 1
        flexible = [c for c in self.columns if not c.width]
        spare = max(0, available - fixed)
        widths = []
        for column in self.columns:
            if column.width:
                widths.append(self._width(column))
            else:
                widths.append(max(column.min_width, spare // len(flexible)))
        return widths

    def _update_virtual_size(self) -> None:
        available = self.scrollable_content_region.width or self.size.width
        self._widths = self._layout(available)
        total = sum(self._widths) + len(self._widths) + 1
        self.virtual_size = Size(total, len(self.rows) + 1)

    def _column_at(self, x: int) -> Column | None:
        position = 1
        for column, width in zip(self.columns, self._widths, strict=False):
            if position <= x < position + width + 1:
                return column
            position += width + 1
        return None

    def _cell(self, column: Column, value: Any) -> Text:
        if column.render is not None:
            rendered = column.render(value)
        else:
            rendered = DASH if value is None or value == "" else str(value)
        return rendered if isinstance(rendered, Text) else Text(rendered)

    def _line(self, cells: list[Text]) -> list[Segment]:
        line = Text(" ", end="", no_wrap=True)
        for column, width, cell in zip(self.columns, self._widths, cells, strict=False):
            cell = cell.copy()
            cell.no_wrap = True
            cell.truncate(width, overflow="ellipsis")
            if column.align == "right":
                cell.pad_left(width - cell.cell_len)
            else:
                cell.pad_right(width - cell.cell_len)
            line.append_text(cell)
            line.append(" ")
        return list(line.render(self.app.console))

    def _style(self, name: str) -> Style:
        """Component and base styles, looked up once (they are costly) until styles change."""
        style = self._styles.get(name)
        if style is None:
            if name == "base":
                style = self.rich_style
            else:
                style = self.get_component_rich_style(
                    name, partial=name != "resource-table--header"
                )
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()

    def _header(self) -> Strip:
        key = ("header", self._generation, self.sort_key, self.sort_reverse, tuple(self._widths))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        cells = []
        for column in self.columns:
            label = column.label
            if column.key == self.sort_key:
                label += " ▼" if self.sort_reverse else " ▲"
            cells.append(Text(label))
        strip = Strip(Segment.apply_style(self._line(cells), self._style("resource-table--header")))
        self._cache[key] = strip
        return strip

    def _row_line(self, index: int) -> Strip:
        row = self.rows[index]
        cursor = index == self.cursor_row
        key = (row.key, self._generation, cursor, self.has_focus, tuple(self._widths))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        cells = [self._cell(c, row.values.get(c.key)) for c in self.columns]
        segments = Segment.apply_style(self._line(cells), self._style("base"))
        if cursor:
            name = "resource-table--cursor" if self.has_focus else "resource-table--cursor-blurred"
            segments = Segment.apply_style(segments, post_style=self._style(name))
        strip = Strip(segments)
        self._cache[key] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        scroll_x = round(self.scroll_x)
        base = self._style("base")
        if y == 0:
            strip = self._header()
        else:
            index = round(self.scroll_y) + y - 1
            if 0 <= index < len(self.rows):
                strip = self._row_line(index)
            elif index == 0:
                strip = Strip(
                    [Segment(f" {self.empty_text}", self._style("resource-table--empty"))]
                )
            else:
                return Strip.blank(width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)
