"""The dashboard application: navigation between views, the live event feed, and knowing
whether the server is there (banner while it is not, reconnecting by itself)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from platform_cli.tui.commands import PlatformCommands
from platform_cli.tui.format import describe_error, quote
from platform_cli.tui.screens import VIEWS, BaseView, resolve
from platform_cli.tui.screens.stats import StatsView

if TYPE_CHECKING:
    from platform_sdk import AsyncClient

EventListener = Callable[[Any], None]
STYLES = Path(__file__).parent / "styles"

FEED_RETRY_SECONDS = 2.0
RECONNECT_FIRST_DELAY = 1.0
RECONNECT_MAX_DELAY = 5.0


def offline_reason(exc: BaseException) -> str:
    """Why the server cannot be reached, briefly (the banner names the server already)."""
    from platform_sdk import APIConnectionError, APITimeoutError

    if isinstance(exc, APITimeoutError):
        return "no answer in time"
    if isinstance(exc, APIConnectionError):
        return str(exc).rsplit(": ", 1)[-1]
    return describe_error(exc).splitlines()[0]


@dataclass(frozen=True)
class Options:
    profile: str = "default"
    refresh: float = 5.0
    """Seconds between the end of one live refresh and the start of the next."""
    read_only: bool = False
    live_events: bool = True
    """Follow the SSE event stream (the events view and the stats view's ticker)."""


class PlatformApp(App[None]):
    TITLE = "Platform"
    # Absolute, so subclasses defined elsewhere (tests, embedding) find the styles too.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        STYLES / "app.tcss",
        STYLES / "views.tcss",
        STYLES / "dialogs.tcss",
    ]
    # Only ours: the views and the highlighted row's actions come first, not Textual's.
    COMMANDS: ClassVar[set[Any]] = {PlatformCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True)
    ]

    offline: reactive[str | None] = reactive(None)
    """Why the server cannot be reached, or None while it can."""
    paused: reactive[bool] = reactive(False)
    me: reactive[Any] = reactive(None)
    """The signed-in user (``users.me()``), once known."""

    def __init__(
        self,
        client: AsyncClient,
        options: Options | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        start_view: str = "stats",
        start_filter: str = "",
        warnings: Iterable[str] = (),
        close_client: bool = False,
    ) -> None:
        super().__init__()
        self._close_client = close_client
        self.client = client
        self.options = options or Options()
        self._clock = clock
        self.start_view = start_view
        self.start_filter = start_filter
        self._warnings = list(warnings)
        self._listeners: list[EventListener] = []
        self.feed_status: str | None = None
        """Why live events are not coming (shown on the stats view), or None."""
        self.events_received = 0

    def now(self) -> datetime:
        return self._clock() if self._clock is not None else datetime.now(UTC)

    def get_default_screen(self) -> Screen[Any]:
        return StatsView()

    def on_mount(self) -> None:
        for warning in self._warnings:
            self.notify(warning, severity="warning", markup=False)
        self._who_am_i()
        if self.options.live_events:
            self._event_feed()
        if self.start_view != "stats":
            self.open_view(self.start_view, self.start_filter)

    async def on_unmount(self) -> None:
        if self._close_client:
            await self.client.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.log.error(f"worker {event.worker.name} failed: {event.worker.error!r}")
            self.notify(
                describe_error(event.worker.error),
                title="Unexpected error",
                severity="error",
                markup=False,
            )

    @work(group="me", exit_on_error=False)
    async def _who_am_i(self) -> None:
        from platform_sdk import APIConnectionError, PlatformError

        try:
            self.me = await self.client.users.me()
        except APIConnectionError as exc:
            self.mark_offline(exc)
        except PlatformError as exc:
            self.notify(describe_error(exc), title="Signed in?", severity="error", markup=False)

    # -- the server: there or not --------------------------------------------------------------

    def mark_offline(self, exc: BaseException) -> None:
        reason = offline_reason(exc)
        first = self.offline is None
        self.offline = reason
        if first:
            self._reconnect()

    def mark_online(self) -> None:
        if self.offline is not None:
            self.offline = None
            self.notify("Connected to the server again.", timeout=3)
            if self.me is None:
                self._who_am_i()

    @work(group="reconnect", exclusive=True, exit_on_error=False)
    async def _reconnect(self) -> None:
        from platform_sdk import APIConnectionError, PlatformError

        delay = RECONNECT_FIRST_DELAY
        while self.offline is not None:
            await asyncio.sleep(delay)
            # A fresh copy each time: it shares the pool and tokens, and follows base_url.
            probe = self.client.with_options(max_retries=0, timeout=3.0)
            try:
                await probe.health.live()
            except APIConnectionError as exc:
                if self.offline is not None:
                    self.offline = offline_reason(exc)
                delay = min(delay * 1.5, RECONNECT_MAX_DELAY)
                continue
            except PlatformError:
                pass  # it answered, if not happily: it is there
            self.mark_online()

    # -- live events (SSE) ---------------------------------------------------------------------

    def add_event_listener(self, listener: EventListener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_event_listener(self, listener: EventListener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def dispatch_event(self, event: Any) -> None:
        self.events_received += 1
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception as exc:  # a view's bug must not stop the feed
                self.log.error(f"event listener failed: {exc!r}")

    @work(group="feed", exclusive=True, exit_on_error=False)
    async def _event_feed(self) -> None:
        """Follow the event stream for the whole session; the SDK resumes a dropped
        stream by itself, and this loop starts it again when the server was away."""
        from platform_sdk import (
            APIConnectionError,
            AuthenticationError,
            PermissionDeniedError,
            PlatformError,
        )

        last_id: str | None = None
        while True:
            try:
                stream = cast(
                    "AsyncGenerator[Any, None]", self.client.events.stream(last_event_id=last_id)
                )
                async with contextlib.aclosing(stream):
                    async for event in stream:
                        last_id = str(event.id)
                        self.feed_status = None
                        self.mark_online()
                        self.dispatch_event(event)
            except (PermissionDeniedError, AuthenticationError) as exc:
                self.feed_status = "live events unavailable: " + describe_error(exc).splitlines()[0]
                return
            except APIConnectionError as exc:
                self.mark_offline(exc)
            except PlatformError as exc:
                self.feed_status = "live events interrupted: " + describe_error(exc).splitlines()[0]
            await asyncio.sleep(FEED_RETRY_SECONDS)

    # -- navigation ----------------------------------------------------------------------------

    def open_view(
        self, name: str, filter_text: str = "", *, select: str | None = None, push: bool = False
    ) -> None:
        """Show a view. From the stats view (or with ``push``, for jumps to related records)
        it goes on top, so Esc comes back; otherwise it replaces the current view."""
        info = resolve(name)
        if info is None:
            self.notify(f"No view called {name!r}.", severity="warning", markup=False)
            return
        if info.name == "stats":
            while len(self.screen_stack) > 1:
                self.pop_screen()
            return
        view = info.view(filter_text, select=select)
        if push or len(self.screen_stack) <= 1 or isinstance(self.screen, StatsView):
            self.push_screen(view)
        else:
            self.switch_screen(view)

    def go_back(self, quit_at_root: bool = False) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif quit_at_root:
            self.exit()

    def open_user(self, user_id: str) -> None:
        self.open_record("user", user_id)

    def open_record(
        self,
        kind: str | None,
        record_id: str | None,
        *,
        sku: str | None = None,
        email: str | None = None,
        order_id: str | None = None,
    ) -> None:
        """Open the view of a record, found by what its list can filter on."""
        self._open_record(kind, record_id, sku=sku, email=email, order_id=order_id)

    @work(group="jump", exclusive=True, exit_on_error=False)
    async def _open_record(
        self,
        kind: str | None,
        record_id: str | None,
        *,
        sku: str | None,
        email: str | None,
        order_id: str | None,
    ) -> None:
        from platform_sdk import APIConnectionError, PlatformError

        try:
            if kind == "order" and record_id:
                self.open_view("orders", f"q:{record_id}", select=record_id, push=True)
            elif kind == "payment" and order_id:
                self.open_view("orders", f"q:{order_id}", select=order_id, push=True)
            elif kind == "product" and record_id:
                if sku is None:
                    sku = (await self.client.products.get(record_id)).sku
                self.open_view("products", f"q:{quote(sku)}", select=record_id, push=True)
            elif kind == "user" and record_id:
                if email is None:
                    email = (await self.client.users.get(record_id)).email
                self.open_view("users", f"q:{quote(email)}", select=record_id, push=True)
            else:
                self.notify(f"There is no view for {kind or 'this'} records.", severity="warning")
        except APIConnectionError as exc:
            self.mark_offline(exc)
        except PlatformError as exc:
            self.notify(describe_error(exc), title="Cannot open it", severity="error", markup=False)

    # -- the command line ----------------------------------------------------------------------

    COMMAND_WORDS: ClassVar[dict[str, str]] = {
        "quit": "leave the dashboard (also :q)",
        "help": "keys and commands (also ?)",
        "pause": "pause live refresh (:resume resumes)",
        "resume": "resume live refresh",
    }

    def run_command(self, text: str) -> None:
        text = text.strip().removeprefix(":").strip()
        if not text:
            return
        word, _, rest = text.partition(" ")
        word = word.lower()
        if word in {"q", "q!", "quit", "exit"}:
            self.exit()
            return
        if word in {"help", "h", "?"}:
            screen = self.screen
            if isinstance(screen, BaseView):
                screen.action_help()
            return
        if word in {"pause", "resume"}:
            self.paused = word == "pause"
            return
        info = resolve(word)
        if info is None:
            self.notify(
                f"Unknown command :{word}. Views: {', '.join(VIEWS)}; :q quits.",
                severity="warning",
                markup=False,
            )
            return
        self.open_view(info.name, rest.strip())

    def command_candidates(self, value: str) -> list[str]:
        text = value.lstrip(":")
        if " " not in text:
            words = [*VIEWS, *self.COMMAND_WORDS]
            words += [alias for info in VIEWS.values() for alias in info.aliases]
            return [w for w in dict.fromkeys(words) if w.startswith(text.lower()) and w != text]
        word, _, rest = text.partition(" ")
        info = resolve(word)
        if info is None:
            return []
        return [f"{word} {c}" for c in info.view.FILTERS.candidates(rest)]

    def command_hint(self, value: str) -> str:
        text = value.lstrip(":")
        if " " in text:
            info = resolve(text.partition(" ")[0])
            if info is not None and info.view.FILTERS.keys:
                return f"filter of {info.name}:   " + "   ".join(info.view.FILTERS.help_lines())
            return ""
        shown = self.command_candidates(text) if text else list(VIEWS)
        return "   ".join(shown[:12]) + "     (Tab completes, Enter goes, Esc closes)"

    def command_help(self) -> list[tuple[str, str]]:
        entries = [
            (f"{info.name} [FILTER]", f"{info.help}  (also :{', :'.join(info.aliases)})")
            for info in VIEWS.values()
        ]
        entries += [(word, text) for word, text in self.COMMAND_WORDS.items()]
        return entries
