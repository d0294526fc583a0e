"""What every view shares: the frame, the prompt, live refresh, SDK error handling, actions.

Live refresh never overlaps: the next poll is scheduled only when the previous one has
finished, and it is skipped (and made up for later) while a dialog is open, while live
refresh is paused, or while the server is unreachable. Every SDK call runs in a worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from platform_cli.tui.actions import ActionPlan
from platform_cli.tui.dialogs import ConfirmDialog, HelpScreen
from platform_cli.tui.filters import FilterError, FilterSpec, ParsedFilter
from platform_cli.tui.format import describe_error
from platform_cli.tui.keys import key
from platform_cli.tui.widgets.chrome import ConnectionBanner, StatusBar
from platform_cli.tui.widgets.prompt import PromptBar

if TYPE_CHECKING:
    from platform_cli.tui.app import PlatformApp
    from platform_sdk import AsyncClient

T = TypeVar("T")


class Handled(Exception):
    """An SDK error the user has already been shown (or the server is down: the banner)."""


class BaseView(Screen[None]):
    VIEW: ClassVar[str] = ""
    """The view's name (``:orders``), the one name of the concept in every layer."""
    LABEL: ClassVar[str] = ""
    """Its title (default: the name capitalised, ``Orders``)."""
    FILTERS: ClassVar[FilterSpec] = FilterSpec()
    MUTATING: ClassVar[frozenset[str]] = frozenset()
    """Action names that change something: hidden and refused in read-only mode."""
    MAIN: ClassVar[str] = ""
    """The id of the view's main widget, which has the focus when no prompt is open."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "LABEL" not in vars(cls):  # read from the class too (the palette lists views)
            cls.LABEL = cls.VIEW.capitalize()

    BINDINGS: ClassVar[list[BindingType]] = [
        key(
            "colon",
            "command_line",
            "Command",
            "Command line: switch views, e.g. :orders pending (Tab completes)",
            key_display=":",
        ),
        key(
            "slash",
            "filter",
            "Filter",
            "Filter this view (on the server), e.g. status:paid ada@example.com",
            key_display="/",
        ),
        key("question_mark", "help", "Help", "This help", key_display="?"),
        key("r", "refresh", "Refresh", "Reload the view now"),
        key("p", "toggle_pause", "Pause", "Pause or resume live refresh"),
        key("q", "back(True)", "Back", "Back to the previous view (on the stats view: quit)"),
        key(
            "escape",
            "back",
            "Back",
            "Close the prompt or the full-screen detail, else back",
            show=False,
        ),
    ]

    def __init__(self, filter_text: str = "", *, select: str | None = None) -> None:
        super().__init__()
        self.filter_error: str | None = None
        try:
            self.filter = self.FILTERS.parse(filter_text)
        except FilterError as exc:
            self.filter = ParsedFilter()
            self.filter_error = str(exc)
        self.select_key = select
        self.updated_at: datetime | None = None
        self.loaded = False
        """True once the first load finished (tests and the benchmark wait on it)."""
        self._poll_timer: Timer | None = None
        self._poll_overdue = False
        self._loading = False

    # -- access -------------------------------------------------------------------------------

    @property
    def platform(self) -> PlatformApp:
        return cast("PlatformApp", self.app)

    @property
    def client(self) -> AsyncClient:
        return self.platform.client

    @property
    def read_only(self) -> bool:
        return self.platform.options.read_only

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield ConnectionBanner(id="banner")
        yield from self.compose_body()
        yield PromptBar(id="prompt-bar")
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def focus_main(self) -> None:
        """Give the focus back to the view's main widget (after the prompt closes)."""
        if self.MAIN:
            self.query_one(f"#{self.MAIN}").focus()

    def on_mount(self) -> None:
        if self.filter_error:
            self.notify(self.filter_error, title="Filter", severity="warning", markup=False)
        self.watch(self.app, "paused", self._paused_changed, init=False)
        self.watch(self.app, "offline", self._offline_changed, init=False)
        self.watch(self.app, "me", lambda _: self.update_status(), init=False)
        self.update_status()
        self.focus_main()
        self.reload()

    # -- the status line ------------------------------------------------------------------------

    def status_detail(self) -> Text:
        """The second status line: filter, counts, sort (views add theirs)."""
        return Text("")

    def update_status(self) -> None:
        app = self.platform
        line = Text()
        line.append("Platform ", style="bold")
        line.append(f"▸ {self.LABEL}", style="bold cyan")
        wide = app.size.width >= 110
        where = f"{app.options.profile} @ {self.client.base_url}" if wide else app.options.profile
        line.append(f"  {where}", style="dim")
        me = app.me
        if me is not None:
            line.append(f"  {me.email} ({me.role})" if wide else f"  {me.email}", style="dim")
        if app.offline:
            line.append("  ● offline", style="bold red")
        elif app.paused:
            line.append("  ❚❚ paused", style="bold yellow")
        else:
            line.append(f"  ● live {app.options.refresh:g}s", style="green")
        if self.read_only:
            line.append("  READ-ONLY", style="bold reverse yellow")
        detail = self.status_detail()
        if self.updated_at is not None:
            if detail.plain:
                detail.append("  ")
            detail.append(f"updated {self.updated_at.strftime('%H:%M:%S')}", style="dim")
        line.append("\n")
        line.append_text(detail)
        self.query_one(StatusBar).update(line)

    # -- SDK calls ------------------------------------------------------------------------------

    async def sdk(self, awaitable: Awaitable[T], *, what: str, quiet: bool = False) -> T:
        """Await an SDK call: an error becomes a notification (or the offline banner) and
        ``Handled``, which ends the worker quietly."""
        from platform_sdk import PlatformError

        try:
            result = await awaitable
        except PlatformError as exc:
            raise self.handle_error(exc, what=what, quiet=quiet) from exc
        self.platform.mark_online()
        return result

    def handle_error(self, exc: BaseException, *, what: str, quiet: bool = False) -> Handled:
        """Tell the user (or raise the offline banner); returns ``Handled`` to raise."""
        from platform_sdk import APIConnectionError

        if isinstance(exc, APIConnectionError):
            self.platform.mark_offline(exc)
        else:
            self.platform.mark_online()
            if not quiet:
                self.notify(
                    describe_error(exc), title=what, severity="error", timeout=8, markup=False
                )
        return Handled(str(exc))

    def checked(self, value: T | BaseException, *, what: str) -> T:
        """A result of ``sections()``: the value, or its error handled and raised."""
        if isinstance(value, BaseException):
            raise self.handle_error(value, what=what) from value
        return value

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, Handled) or error is None:
            return
        self.log.error(f"worker {event.worker.name} failed: {error!r}")
        self.notify(describe_error(error), title="Unexpected error", severity="error", markup=False)

    # -- loading and live refresh --------------------------------------------------------------

    def reload(self) -> None:
        """Load the view from scratch (first page, current filter)."""
        self._reload()

    @work(group="load", exclusive=True, exit_on_error=False)
    async def _reload(self) -> None:
        self._loading = True
        await self._refresh(self.load, loading=True)

    async def _refresh(self, step: Callable[[], Awaitable[None]], *, loading: bool) -> None:
        """Run a load or a poll; then, unless it was replaced, show the time and schedule the
        next poll. ``loading``: a load, which ends ``_loading`` (a poll must not)."""
        cancelled = False
        try:
            await step()
            self.loaded = True
            self.updated_at = self.platform.now()
        except asyncio.CancelledError:
            cancelled = True  # replaced by a newer load, or the view is closing
            raise
        finally:
            if loading:
                self._loading = False
            if not cancelled and self.is_attached:
                self.update_status()
                self.schedule_poll()

    async def load(self) -> None:
        raise NotImplementedError

    async def poll(self) -> None:
        """A live refresh; by default the same as a load."""
        await self.load()

    def schedule_poll(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self._poll_timer = self.set_timer(self.platform.options.refresh, self._poll_due)

    def _can_poll(self) -> bool:
        app = self.platform
        return self.is_current and not app.paused and not app.offline and not self._loading

    def _poll_due(self) -> None:
        self._poll_timer = None
        if not self._can_poll():
            self._poll_overdue = True
            return
        self._start_poll()

    def _start_poll(self) -> None:
        self._poll_overdue = False
        self._poll_once()

    @work(group="poll", exclusive=True, exit_on_error=False)
    async def _poll_once(self) -> None:
        await self._refresh(self.poll, loading=False)

    def _catch_up(self) -> None:
        if self._poll_overdue and self._can_poll():
            if self.loaded:
                self._start_poll()
            else:
                self._poll_overdue = False
                self.reload()

    def on_screen_resume(self) -> None:
        # A dialog (or a view pushed on top) has closed: refresh now if a poll was missed.
        self.update_status()
        self._catch_up()

    def _paused_changed(self, paused: bool) -> None:
        self.update_status()
        if not paused:
            self._catch_up()

    def _offline_changed(self, reason: str | None) -> None:
        self.update_status()
        if reason is None:
            self._poll_overdue = True
            self._catch_up()

    # -- keys -------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in self.MUTATING and self.read_only)

    def on_key(self, event: events.Key) -> None:
        # In read-only mode an action's key is not bound (hidden from the footer); say why
        # nothing happens instead of ignoring it.
        if not self.read_only:
            return
        for binding in self._all_bindings():
            if binding.action.split("(")[0] in self.MUTATING and event.key in binding.key.split(
                ","
            ):
                event.stop()
                self.refuse_read_only()
                return

    def action_refresh(self) -> None:
        self.notify("Refreshing…", timeout=1.5)
        self.reload()

    def action_toggle_pause(self) -> None:
        self.platform.paused = not self.platform.paused
        self.notify(
            "Live refresh paused (p resumes)" if self.platform.paused else "Live refresh on",
            timeout=2,
        )

    def action_back(self, quit_at_root: bool = False) -> None:
        prompt = self.query_one(PromptBar)
        if prompt.is_open:
            prompt.close()
            return
        if self.maximized is not None:
            self.minimize()
            self.focus_main()
            return
        self.platform.go_back(quit_at_root)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.help_sections()))

    def action_command_line(self) -> None:
        app = self.platform
        self.query_one(PromptBar).open(
            "command",
            candidates=app.command_candidates,
            hint=app.command_hint,
            placeholder="a view (orders, products, …), optionally with a filter: orders pending",
        )

    def action_filter(self) -> None:
        spec = self.FILTERS
        if not spec.keys:
            self.notify("This view has no filter.", timeout=2)
            return
        self.query_one(PromptBar).open(
            "filter",
            value=self.filter.text,
            candidates=spec.candidates,
            hint=lambda value: "   ".join(spec.help_lines()),
            placeholder="e.g. " + (spec.help_lines()[0].split()[0] if spec.keys else ""),
        )

    @on(PromptBar.Submitted)
    def _prompt_submitted(self, event: PromptBar.Submitted) -> None:
        if event.mode == "command":
            self.platform.run_command(event.value)
        else:
            self.apply_filter(event.value)

    @on(PromptBar.Closed)
    def _prompt_closed(self) -> None:
        self.focus_main()

    def apply_filter(self, text: str) -> None:
        try:
            parsed = self.FILTERS.parse(text)
        except FilterError as exc:
            self.notify(str(exc), title="Filter", severity="warning", markup=False)
            return
        self.filter = parsed
        self.filter_changed()

    def filter_changed(self) -> None:
        self.update_status()
        self.reload()

    # -- help --------------------------------------------------------------------------------------

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        view: list[tuple[str, str]] = []
        general: list[tuple[str, str]] = []
        base_actions = {b.action for b in BaseView.BINDINGS if isinstance(b, Binding)}
        seen: set[str] = set()
        for binding in self._all_bindings():
            if not binding.description or {binding.action, binding.description} & seen:
                continue
            seen.update({binding.action, binding.description})
            keys = binding.key_display or binding.key
            keys = ", ".join(_key_name(k.strip()) for k in keys.split(","))
            text = binding.description
            if binding.tooltip:
                text += f": {binding.tooltip}"
            entry = (keys, text)
            if binding.action.split("(")[0] in self.MUTATING and self.read_only:
                entry = (keys, text + "  [disabled: read-only]")
            (general if binding.action in base_actions else view).append(entry)
        general += [
            ("Esc", "Close the prompt or the full-screen detail, else back"),
            ("ctrl+p", "Command palette: views and actions by name"),
            ("tab, shift+tab", "Move between the list and the detail pane"),
            ("↑ ↓ PgUp PgDn Home End, j k", "Move in a list (more rows load as you scroll)"),
            ("click a column title", "Sort by it (again: reverse)"),
            ("ctrl+c", "Quit"),
        ]
        commands = [(f":{name}", text) for name, text in self.platform.command_help()]
        sections = [
            (f"{self.LABEL} view", view),
            ("Everywhere", general),
            ("Commands (:)", commands),
        ]
        if self.FILTERS.keys:
            sections.append(
                (
                    "Filter (/) of this view",
                    [
                        (line.split("  ")[0], "  ".join(line.split("  ")[1:]).strip())
                        for line in self.FILTERS.help_lines()
                    ],
                )
            )
        return sections

    def _all_bindings(self) -> list[Binding]:
        bindings: list[Binding] = []
        for cls in type(self).__mro__:
            if not cls.__module__.startswith("platform_cli."):
                continue  # Textual's own (focus, copy) are listed by hand
            for item in cls.__dict__.get("BINDINGS", []):
                if isinstance(item, Binding):
                    bindings.append(item)
        return bindings

    # -- actions -----------------------------------------------------------------------------------

    def refuse_read_only(self) -> bool:
        if self.read_only:
            self.notify(
                "Read-only mode: actions are disabled (restart without --read-only).",
                severity="warning",
            )
            return True
        return False

    def start_action(self, make_plan: Callable[[], Awaitable[ActionPlan | None]]) -> None:
        """Build the plan (it may need data), confirm it in a dialog, then run it."""
        if self.refuse_read_only():
            return
        self._run_action(make_plan)

    @work(group="action", exclusive=True, exit_on_error=False)
    async def _run_action(self, make_plan: Callable[[], Awaitable[ActionPlan | None]]) -> None:
        plan = await make_plan()
        if plan is None:
            return
        values = await self.app.push_screen_wait(ConfirmDialog(plan))
        if values is None:
            self.notify("Cancelled; nothing was changed.", timeout=2)
            return
        if self.read_only:  # belt and braces: never send a change in read-only mode
            return
        result = await self.sdk(plan.run(values), what=plan.title)
        self.notify(plan.done(result), title="Done", markup=False)
        await self.after_action()
        if plan.followup is not None:
            await plan.followup(result)

    async def after_action(self) -> None:
        self.reload()

    def palette_actions(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """(title, help, callback) of this view's commands for the command palette."""
        return []


def _key_name(key: str) -> str:
    names = {"colon": ":", "slash": "/", "question_mark": "?", "escape": "Esc", "space": "space"}
    return names.get(key, key)
