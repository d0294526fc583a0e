"""A paged list with a detail pane: the shape of most views.

Pages come from the server with the view's filter (cursor pagination, 100 rows a page);
the next one is fetched when the cursor or the viewport comes near the end of what is
loaded, so a list of 100,000 orders never loads more than you scroll through. Live
refresh re-reads the first page: rows already loaded are updated in place, and new ones
either appear (when only the first page is loaded) or are counted in the status line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.timer import Timer

from platform_cli.tui.format import field
from platform_cli.tui.keys import key
from platform_cli.tui.screens.base import BaseView, Handled
from platform_cli.tui.widgets.detail import DetailPane
from platform_cli.tui.widgets.table import Column, ResourceTable, Row

if TYPE_CHECKING:
    from platform_cli.tui.actions import ActionPlan

PaletteItem = tuple[str, str, Any]
RowPlan = Callable[[Any, Row], Awaitable["ActionPlan | None"]]


def row_change(plan: RowPlan) -> Callable[[Any], None]:
    """An ``action_…`` method from ``plan(self, row)``, which returns the plan of a change to
    the highlighted row (or None to stop): ``row_action`` refuses it in read-only mode or
    with no row, then confirms and runs it."""

    def action(view: ResourceView) -> None:
        view.row_action(lambda row: plan(view, row))

    action.__doc__ = plan.__doc__
    return action


class ResourceView(BaseView):
    MAIN = "table"
    PAGE_SIZE: ClassVar[int] = 100
    SERVER_SORT: ClassVar[dict[str, str]] = {}
    """Column key → the API's ``sort`` name, where the server sorts (products)."""
    DETAIL_TITLE: ClassVar[str] = ""
    """The detail pane's title (default: one of the label's rows, ``Order``)."""
    EMPTY_TEXT: ClassVar[str] = ""
    """What the table says when nothing is listed (default: ``No <label> match.``)."""
    NOUN: ClassVar[str] = ""
    """What the rows are, in the status line (default: the view's name)."""
    RESOURCE: ClassVar[str] = ""
    """The SDK resource listed, as a path on the client (default: the view's name)."""
    FIELDS: ClassVar[tuple[str, ...]] = ()
    """Attributes of an item copied as they are into its row (``row_values`` adds others)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        key("s", "sort_next", "Sort", "Sort by the next column"),
        key("S", "sort_reverse", "Reverse sort", "Reverse the sort order", show=False),
        key(
            "z",
            "zoom",
            "Detail",
            "The detail pane full screen (Esc, Enter or z comes back)",
            show=False,
            key_display="enter, z",
        ),
    ]

    def __init__(self, filter_text: str = "", *, select: str | None = None) -> None:
        super().__init__(filter_text, select=select)
        self.next_cursor: str | None = None
        self.generation = 0
        self.new_rows = 0
        self.server_sort: str | None = None
        self.client_sort: tuple[str, bool] | None = None
        self.detail_key: str | None = None
        """Key of the row the detail pane shows (set once it has loaded)."""
        self._loading_more = False
        self._detail_timer: Timer | None = None
        self._detail_target: str | None = None

    # -- to implement ---------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        raise NotImplementedError

    @property
    def resource(self) -> Any:
        target: Any = self.client
        for name in (self.RESOURCE or self.VIEW).split("."):
            target = getattr(target, name)
        return target

    def list_params(self) -> dict[str, Any]:
        """The query of a page: the filter's (and the sort, where the server sorts)."""
        return dict(self.filter.params)

    async def fetch(self, cursor: str | None) -> Any:
        """One page (an ``AsyncPage``) with the current filter and sort."""
        return await self.resource.list(limit=self.PAGE_SIZE, cursor=cursor, **self.list_params())

    def to_row(self, item: Any) -> Row:
        values = {name: getattr(item, name) for name in self.FIELDS}
        return Row(str(item.id), {**values, **self.row_values(item)})

    def row_values(self, item: Any) -> dict[str, Any]:
        """The values of a row that are not plain ``FIELDS``."""
        return {}

    async def fetch_one(self, key: str) -> Any | None:
        """The record again (after an action)."""
        return await self.resource.get(key)

    def still_listed(self, item: Any) -> bool:
        """Whether a record an action changed still belongs under the filter, judged by
        the filters the record shows (``status:pending`` and an order now cancelled): it
        leaves the list at once rather than at the next refresh. Filters the record does
        not show (a text search) are the server's to judge, at the next refresh."""
        for name, wanted in self.filter.params.items():
            have = field(item, name)
            if not isinstance(have, str):
                continue
            if isinstance(wanted, str) and have != wanted:
                return False
            if isinstance(wanted, list) and wanted and have not in wanted:
                return False
        return True

    async def detail(self, row: Row) -> RenderableType:
        raise NotImplementedError

    @property
    def detail_title(self) -> str:
        return self.DETAIL_TITLE or self.LABEL.removesuffix("s")

    @property
    def empty_text(self) -> str:
        return self.EMPTY_TEXT or f"No {self.LABEL.lower()} match."

    # -- layout ----------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Container(id="body"):
            yield ResourceTable(self.columns(), id="table", empty_text=self.empty_text)
            yield DetailPane(id="detail", title=self.detail_title)

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#table", ResourceTable)

    @property
    def detail_pane(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    def status_detail(self) -> Text:
        text = Text()
        if self.filter.text:
            text.append("filter ", style="dim")
            text.append(self.filter.text, style="bold yellow")
            text.append("  ")
        count = self.table.row_count if self.is_mounted else 0
        text.append(f"{count:,} {self.NOUN or self.VIEW} loaded", style="")
        if self.next_cursor:
            text.append(" (more as you scroll)", style="dim")
        if self._loading_more:
            text.append(" loading…", style="italic")
        if self.new_rows:
            text.append(f"  ↑ {self.new_rows} new (r to reload)", style="bold green")
        if self.client_sort:
            key, reverse = self.client_sort
            text.append(f"  sorted by {key} {'▼' if reverse else '▲'} (loaded rows)", style="dim")
        elif self.server_sort:
            text.append(f"  sorted by {self.server_sort} (server)", style="dim")
        return text

    # -- loading ----------------------------------------------------------------------------------

    async def load(self) -> None:
        self.generation += 1
        generation = self.generation
        page = await self.sdk(self.fetch(None), what=f"Loading {self.LABEL.lower()}")
        if generation != self.generation:
            return
        self.table.set_rows(self.to_row(item) for item in page.data)
        self.next_cursor = page.next_cursor
        self.new_rows = 0
        self._apply_client_sort()
        if self.select_key and self.table.select_key(self.select_key):
            self.select_key = None
        self.load_detail_now()

    async def poll(self) -> None:
        generation = self.generation
        page = await self.sdk(self.fetch(None), what=f"Refreshing {self.LABEL.lower()}", quiet=True)
        if generation != self.generation:
            return
        rows = [self.to_row(item) for item in page.data]
        table = self.table
        if table.row_count <= self.PAGE_SIZE and not self.client_sort:
            table.set_rows(rows)
            self.next_cursor = page.next_cursor
            self.new_rows = 0
        else:
            self.new_rows = sum(1 for row in rows if table.get(row.key) is None)
            for row in rows:
                table.update_row(row)
        table.refresh_cells()
        self.load_detail_now(quiet=True)

    @on(ResourceTable.NearEnd, "#table")
    def _near_end(self) -> None:
        self.load_more()

    def load_more(self) -> None:
        if self.next_cursor is None or self._loading_more or self._loading:
            return
        self._loading_more = True
        self.update_status()
        self._more(self.generation, self.next_cursor)

    @work(group="more", exit_on_error=False)
    async def _more(self, generation: int, cursor: str) -> None:
        try:
            page = await self.sdk(self.fetch(cursor), what=f"Loading more {self.NOUN or self.VIEW}")
            if generation != self.generation:
                return
            self.table.extend(self.to_row(item) for item in page.data)
            self.next_cursor = page.next_cursor
            self._apply_client_sort()
        finally:
            self._loading_more = False
            if self.is_attached:
                self.update_status()

    async def refresh_one(self, key: str) -> None:
        """Read one record again and redraw its row (after an action)."""
        item = await self.sdk(self.fetch_one(key), what="Refreshing", quiet=True)
        if item is None:
            self.reload()
            return
        if not self.still_listed(item):
            self.table.remove_row(key)
        else:
            self.table.update_row(self.to_row(item))
        self.load_detail_now()

    async def after_action(self) -> None:
        row = self.table.current
        if row is None:
            self.reload()
        else:
            await self.refresh_one(row.key)

    # -- detail ------------------------------------------------------------------------------------

    @on(ResourceTable.Highlighted, "#table")
    def _highlighted(self, event: ResourceTable.Highlighted) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if event.row is not None and event.row.key == self._detail_target:
            return  # already shown, or on its way
        # Wait for the cursor to settle: holding ↓ must not fire a request per row.
        self._detail_timer = self.set_timer(0.12, self.load_detail_now)

    def load_detail_now(self, quiet: bool = False) -> None:
        self._detail_timer = None
        row = self.table.current
        if row is None:
            self.detail_key = self._detail_target = None
            self.detail_pane.message("Nothing to show." if self.table.row_count == 0 else "")
            return
        self._detail_target = row.key
        self._load_detail(row, quiet)

    @work(group="detail", exclusive=True, exit_on_error=False)
    async def _load_detail(self, row: Row, quiet: bool) -> None:
        if not quiet and self.detail_key != row.key:
            self.detail_pane.border_subtitle = "loading…"
        try:
            renderable = await self.detail(row)
        except Handled:
            self.detail_pane.border_subtitle = ""
            raise
        self.detail_pane.show(renderable)
        self.detail_key = row.key

    @on(ResourceTable.Selected, "#table")
    def _selected(self, event: ResourceTable.Selected) -> None:
        self.action_zoom()

    def action_zoom(self) -> None:
        """Enter: the detail pane full screen (Esc comes back)."""
        pane = self.detail_pane
        if self.maximized is pane:
            self.minimize()
            self.table.focus()
        else:
            self.maximize(pane, container=False)
            pane.focus()

    # -- sorting -----------------------------------------------------------------------------------

    def _apply_client_sort(self) -> None:
        if self.client_sort:
            self.table.sort_rows(*self.client_sort)

    def set_sort(self, key: str, reverse: bool) -> None:
        if key in self.SERVER_SORT:
            self.client_sort = None
            self.server_sort = ("-" if reverse else "") + self.SERVER_SORT[key]
            self.table.sort_key, self.table.sort_reverse = key, reverse
            self.table.refresh_cells()
            self.reload()
        else:
            self.client_sort = (key, reverse)
            self._apply_client_sort()
        self.update_status()

    def _current_sort(self) -> tuple[str | None, bool]:
        return self.table.sort_key, self.table.sort_reverse

    def action_sort_next(self) -> None:
        sortable = [c.key for c in self.table.columns if c.sortable]
        if not sortable:
            return
        key, _ = self._current_sort()
        following = (
            sortable[(sortable.index(key) + 1) % len(sortable)] if key in sortable else sortable[0]
        )
        self.set_sort(following, False)
        self.notify(f"Sorted by {following}", timeout=1.5)

    def action_sort_reverse(self) -> None:
        key, reverse = self._current_sort()
        if key is None:
            self.action_sort_next()
            return
        self.set_sort(key, not reverse)

    @on(ResourceTable.HeaderClicked, "#table")
    def _header_clicked(self, event: ResourceTable.HeaderClicked) -> None:
        key, reverse = self._current_sort()
        self.set_sort(event.column.key, not reverse if key == event.column.key else False)

    # -- helpers for views -------------------------------------------------------------------------

    def current_row(self) -> Row | None:
        row = self.table.current
        if row is None:
            self.notify("Nothing selected.", timeout=2)
        return row

    def row_action(self, build: Callable[[Row], Awaitable[ActionPlan | None]]) -> None:
        """Start an action on the highlighted row: ``build(row)`` returns the plan."""
        if self.refuse_read_only():
            return
        row = self.current_row()
        if row is None:
            return

        async def make() -> Any:
            return await build(row)

        self.start_action(make)

    def open_related(self, view: str, key: str) -> None:
        """Open ``view`` filtered by ``key:`` the highlighted row's id (its orders, events…)."""
        row = self.current_row()
        if row is not None:
            self.platform.open_view(view, f"{key}:{row.key}", push=True)

    def open_user_of(self, name: str, missing: str) -> None:
        """Open the user whose id is the row's ``name``; ``missing`` says why there is none."""
        row = self.current_row()
        if row is None:
            return
        if not row.values.get(name):
            self.notify(missing, severity="warning")
            return
        self.platform.open_user(row.values[name])

    # -- the command palette -----------------------------------------------------------------------

    def palette_actions(self) -> list[tuple[str, str, Any]]:
        """The highlighted row's jumps, then its changes unless read-only (``row_palette``)."""
        row = self.table.current
        if row is None:
            return []
        jumps, changes = self.row_palette(row)
        return jumps if self.read_only else jumps + changes

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        """(jumps, changes) of the command palette for ``row``, as (title, help, callback)."""
        return [], []
