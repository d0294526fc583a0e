"""The stats view: today's figures with their last 24 hours, and events as they happen."""

from __future__ import annotations

from collections import deque
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.widgets import Static

from platform_cli.tui.format import DASH, as_utc, describe_error, field, money
from platform_cli.tui.screens.base import BaseView
from platform_cli.tui.screens.common import ident
from platform_cli.tui.screens.events import clock, event_row, open_resource, type_style
from platform_cli.tui.widgets.stat import StatCard
from platform_cli.tui.widgets.table import Column, ResourceTable

TICKER_ROWS = 200
SAMPLES = 24

# (card id, title, view it opens, its filter)
CARDS: list[tuple[str, str, str, str]] = [
    ("orders_today", "Orders today", "orders", ""),
    ("revenue_today", "Revenue today", "orders", "paid"),
    ("pending_orders", "Unpaid orders", "orders", "pending"),
    ("low_stock_products", "Low-stock products", "events", "inventory.low_stock"),
    ("new_users_today", "New users today", "users", ""),
    ("failed_notifications", "Failed notifications", "notifications", "failed"),
    ("failed_webhook_deliveries", "Failed webhook deliveries", "webhooks", "status:failed"),
    ("live_events", "Events (live)", "events", ""),
]


class StatsView(BaseView):
    VIEW = "stats"
    MAIN = "ticker"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(index + 1),
                f"open_card({index})",
                "Open a figure",
                show=index == 0,
                key_display="1-8" if index == 0 else None,
            )
            for index in range(len(CARDS))
        ),
        Binding("g", "goto", "Go to record"),
    ]

    def __init__(self, filter_text: str = "", *, select: str | None = None) -> None:
        super().__init__(filter_text, select=select)
        self.stats: Any = None
        self.stats_error: str | None = None
        self._pending_samples: deque[int] = deque(maxlen=SAMPLES)
        self._low_stock_samples: deque[int] = deque(maxlen=SAMPLES)
        self._event_samples: deque[int] = deque(maxlen=SAMPLES)
        self._events_since_poll = 0
        self._events_seen = 0
        self._ticker_filled = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="stats"):
            with Grid(id="cards"):
                for card_id, title, view, filter_text in CARDS:
                    yield StatCard(title, target=view, filter_text=filter_text, id=card_id)
            yield Static(Text("Recent events (live)", style="bold"), id="ticker-title")
            yield ResourceTable(
                [
                    Column("created_at", "TIME", 8, render=clock(self.platform.now)),
                    Column("type", "TYPE", 19, render=type_style),
                    Column("resource_id", "RESOURCE", 13, render=ident),
                    Column("actor", "BY", 40, min_width=6, fit=True),
                    Column("summary", "SUMMARY", 0, min_width=16, sortable=False),
                ],
                id="ticker",
                empty_text="Waiting for events…",
            )

    @property
    def ticker(self) -> ResourceTable:
        return self.query_one("#ticker", ResourceTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.platform.add_event_listener(self._live)

    def on_unmount(self) -> None:
        self.platform.remove_event_listener(self._live)

    def status_detail(self) -> Text:
        text = Text()
        if self.stats_error:
            text.append(f"figures unavailable: {self.stats_error}", style="red")
        elif self.stats is not None:
            text.append("today (UTC) since ", style="dim")
            text.append(
                as_utc(field(self.stats, "day_start")).strftime("%Y-%m-%d %H:%M"), style="dim"
            )
        text.append(f"  {self._events_seen} live events received", style="dim")
        return text

    # -- data --------------------------------------------------------------------------------------

    async def load(self) -> None:
        await self._load_stats()
        if not self._ticker_filled:
            page = await self.sdk(
                self.client.events.list(limit=30), what="Loading recent events", quiet=True
            )
            self.ticker.set_rows(event_row(e) for e in page.data)
            self._ticker_filled = True

    async def poll(self) -> None:
        await self._load_stats()
        self.ticker.refresh_cells()

    async def _load_stats(self) -> None:
        from platform_sdk import APIConnectionError, PlatformError

        try:
            stats = await self.client.stats.overview()
        except APIConnectionError as exc:
            raise self.handle_error(exc, what="Loading figures") from exc
        except PlatformError as exc:
            self.platform.mark_online()
            self.stats_error = describe_error(exc).splitlines()[0]
            self._show_unavailable()
            return
        self.platform.mark_online()
        self.stats, self.stats_error = stats, None
        self._pending_samples.append(int(stats.pending_orders))
        self._low_stock_samples.append(int(stats.low_stock_products))
        self._event_samples.append(self._events_since_poll)
        self._events_since_poll = 0
        self._show(stats)

    def _card(self, card_id: str) -> StatCard:
        return self.query_one(f"#{card_id}", StatCard)

    def _show_unavailable(self) -> None:
        for card_id, *_ in CARDS:
            if card_id != "live_events":
                self._card(card_id).set(Text(DASH, style="dim"), [], note="unavailable")
        self._show_live_card()

    def _show(self, stats: Any) -> None:
        trends = stats.trends
        day = as_utc(stats.day_start).strftime("%Y-%m-%d")
        self._card("orders_today").set(
            f"{stats.orders_today:,}", trends.orders, note="per hour, 24 h"
        )
        self._card("orders_today").filter_text = f"after:{day}"
        revenue = stats.revenue_today or []
        shown = Text("\n".join(money(r.amount, r.currency) for r in revenue[:2]) or money(0))
        if len(revenue) > 2:
            shown.append(f" +{len(revenue) - 2} more", style="dim")
        currency = trends.revenue_currency
        self._card("revenue_today").set(
            shown, [float(v) for v in trends.revenue], note=f"{currency or DASH} per hour, 24 h"
        )
        self._card("revenue_today").filter_text = f"paid after:{day}"
        self._card("pending_orders").set(
            f"{stats.pending_orders:,}",
            list(self._pending_samples),
            note="not paid yet · sampled here",
        )
        self._card("low_stock_products").set(
            f"{stats.low_stock_products:,}",
            list(self._low_stock_samples),
            note="at or below their level",
            alert=stats.low_stock_products > 0,
        )
        self._card("new_users_today").set(
            f"{stats.new_users_today:,}", trends.new_users, note="per hour, 24 h"
        )
        self._card("failed_notifications").set(
            f"{stats.failed_notifications:,}",
            trends.failed_notifications,
            note="failures per hour, 24 h",
            alert=stats.failed_notifications > 0,
        )
        self._card("failed_webhook_deliveries").set(
            f"{stats.failed_webhook_deliveries:,}",
            trends.failed_webhook_deliveries,
            note="failures per hour, 24 h",
            alert=stats.failed_webhook_deliveries > 0,
        )
        self._show_live_card()

    def _show_live_card(self) -> None:
        feed = self.platform.feed_status
        self._card("live_events").set(
            f"{self._events_seen:,}",
            list(self._event_samples),
            note=feed or f"per {self.platform.options.refresh:g} s",
            alert=bool(feed),
        )

    def _live(self, event: Any) -> None:
        self._events_seen += 1
        self._events_since_poll += 1
        if self.platform.paused:
            return
        self.ticker.prepend([event_row(event)])
        self.ticker.truncate(TICKER_ROWS)

    # -- navigation ------------------------------------------------------------------------------

    @on(StatCard.Opened)
    def _card_opened(self, event: StatCard.Opened) -> None:
        self.platform.open_view(event.card.target, event.card.filter_text)

    def action_open_card(self, index: int) -> None:
        card = self._card(CARDS[index][0])
        self.platform.open_view(card.target, card.filter_text)

    @on(ResourceTable.Selected, "#ticker")
    def _ticker_selected(self, event: ResourceTable.Selected) -> None:
        open_resource(self.platform, event.row.values)

    def action_goto(self) -> None:
        row = self.ticker.current
        if row is not None:
            open_resource(self.platform, row.values)

    def palette_actions(self) -> list[tuple[str, str, Any]]:
        return [
            (
                f"Open {title}",
                f"{index + 1}",
                lambda v=view, f=filter_text: self.platform.open_view(v, f),
            )
            for index, (_, title, view, filter_text) in enumerate(CARDS)
        ]
