"""Events: a live tail over Server-Sent Events (newest on top), filtered by type or resource,
with pause; older events load as you scroll down."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.pretty import Pretty
from rich.text import Text
from textual.binding import BindingType

from platform_cli.tui.filters import FilterKey, FilterSpec, created_between
from platform_cli.tui.format import DASH, as_utc, field, money, short_id, timestamp
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import ident
from platform_cli.tui.screens.listing import ResourceView
from platform_cli.tui.widgets.detail import facts, group, section
from platform_cli.tui.widgets.table import Column, Row

# The server's event types (for completion and `order.*` style prefixes; an unknown type
# is still sent as typed, the server answers which ones exist).
EVENT_TYPES = tuple(
    f"{resource}.{name}"
    for resource, names in (
        ("user", "created updated deleted"),
        ("product", "created updated deleted"),
        ("inventory", "low_stock"),
        ("order", "created paid cancelled expired fulfilled shipped delivered refunded"),
        ("payment", "failed refunded"),
    )
    for name in names.split()
)
MAX_ROWS = 20_000
MAX_BUFFERED = 5_000


def expand_types(text: str) -> list[str]:
    """``order.paid`` as is; ``order`` or ``order.*`` → every ``order.…`` type."""
    prefix = text.removesuffix("*").rstrip(".")
    if text in EVENT_TYPES:
        return [text]
    matches = [t for t in EVENT_TYPES if t.startswith(prefix + ".")]
    return matches or [text]


def event_summary(event: Any) -> str:
    """What changed, in a few words; never what the BY column already says (the actor)."""
    data = field(event, "data") or {}
    kind = field(event, "resource_type")
    event_type = field(event, "type") or ""
    actor = field(event, "actor")
    by = field(actor, "email") if actor else None
    if event_type == "inventory.low_stock":
        return f"available {data.get('available')} (level {data.get('low_stock_threshold')})"
    if kind == "order":
        total = money(data.get("total"), data.get("currency"))
        buyer = data.get("user_email") if data.get("user_email") != by else None
        return "  ".join(str(part) for part in (buyer, total, data.get("status")) if part)
    if kind == "product":
        return f"{data.get('sku', '')}  {data.get('name', '')}"
    if kind == "user":
        state = f"({data.get('role', '')}, {data.get('status', '')})"
        return state if data.get("email") == by else f"{data.get('email', '')} {state}"
    if event_type == "payment.refunded":  # a refund: by its reference (#1001-R1)
        amount = money(data.get("amount"), data.get("currency"))
        return "  ".join(str(p) for p in (data.get("reference"), amount, data.get("reason")) if p)
    if kind == "payment":
        amount = money(data.get("amount"), data.get("currency"))
        return f"{amount}  {data.get('failure_code') or data.get('status', '')}"
    return ", ".join(f"{k}={v}" for k, v in list(data.items())[:3])


def clock(now: Any) -> Any:
    def render(value: Any) -> Text:
        if value is None:
            return Text(DASH)
        moment, today = as_utc(value), as_utc(now())
        fmt = "%H:%M:%S" if moment.date() == today.date() else "%m-%d %H:%M"
        return Text(moment.strftime(fmt), style="dim")

    return render


def event_row(event: Any) -> Row:
    return Row(
        str(event.id),
        {
            "created_at": event.created_at,
            "type": event.type,
            "resource_type": event.resource_type,
            "resource_id": event.resource_id,
            "actor": event.actor.email if event.actor else "system",
            "summary": event_summary(event),
            "sku": (event.data or {}).get("sku"),
            "email": (event.data or {}).get("email") or (event.data or {}).get("user_email"),
            "order_id": (event.data or {}).get("order_id"),
        },
    )


def type_style(value: Any) -> Text:
    text = str(value or "")
    style = "cyan"
    if text.endswith(("failed", "low_stock", "cancelled", "refunded", "deleted")):
        style = "bold red"
    elif text.endswith(("paid", "delivered", "created")):
        style = "green"
    return Text(text, style=style)


def open_resource(app: Any, values: dict[str, Any]) -> None:
    """Jump from an event (or an audit record) to the record it is about."""
    app.open_record(
        values.get("resource_type"),
        values.get("resource_id"),
        sku=values.get("sku"),
        email=values.get("email") if values.get("resource_type") == "user" else None,
        order_id=values.get("order_id"),
    )


class EventsView(ResourceView):
    VIEW = "events"
    EMPTY_TEXT = "No events yet; new ones appear here as they happen."
    FILTERS = FilterSpec(
        keys=(
            FilterKey(
                "type",
                "type",
                EVENT_TYPES,
                multiple=True,
                convert=expand_types,
                help="event type; order or order.* for all order events",
            ),
            FilterKey("resource", "resource_id", help="the id of the record"),
            *created_between(),
        ),
        text_key="type",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        key("space", "toggle_tail", "Pause tail", "Pause the live tail (new events wait)"),
        key("g", "goto", "Go to record", "Open the order, product or user"),
    ]

    def __init__(self, filter_text: str = "", *, select: str | None = None) -> None:
        super().__init__(filter_text, select=select)
        self.tail_paused = False
        self.buffered: list[Any] = []
        self.dropped = 0

    def columns(self) -> list[Column]:
        return [
            Column("created_at", "TIME", 8, render=clock(self.platform.now)),
            Column("type", "TYPE", 19, render=type_style),
            Column("resource_id", "RESOURCE", 13, render=ident),
            Column("actor", "BY", 40, min_width=6, fit=True),
            Column("summary", "SUMMARY", 0, min_width=16, sortable=False),
        ]

    def to_row(self, event: Any) -> Row:
        return event_row(event)

    def on_mount(self) -> None:
        super().on_mount()
        self.platform.add_event_listener(self._live)

    def on_unmount(self) -> None:
        self.platform.remove_event_listener(self._live)

    # -- live tail ------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self.tail_paused or self.platform.paused

    def matches(self, event: Any) -> bool:
        params = self.filter.params
        types = params.get("type")
        if types and event.type not in types:
            return False
        if params.get("resource_id") and event.resource_id != params["resource_id"]:
            return False
        after: datetime | None = params.get("created_after")
        before: datetime | None = params.get("created_before")
        if after and as_utc(event.created_at) < after:
            return False
        return not (before and as_utc(event.created_at) >= before)

    def _live(self, event: Any) -> None:
        if not self.loaded or not self.matches(event):
            return
        if self.paused:
            if len(self.buffered) < MAX_BUFFERED:
                self.buffered.append(event)
            else:
                self.dropped += 1
            self.update_status()
            return
        self.table.prepend([event_row(event)])
        self.table.truncate(MAX_ROWS)
        self.update_status()

    def _flush(self) -> None:
        if self.buffered:
            rows = [event_row(e) for e in reversed(self.buffered)]
            self.buffered = []
            self.table.prepend(rows)
            self.table.truncate(MAX_ROWS)
        if self.dropped:
            self.notify(f"{self.dropped} events came while paused; r reloads them.")
            self.dropped = 0
        self.update_status()

    def action_toggle_tail(self) -> None:
        self.tail_paused = not self.tail_paused
        if not self.paused:
            self._flush()
        self.update_status()

    def _paused_changed(self, paused: bool) -> None:
        super()._paused_changed(paused)
        if not self.paused:
            self._flush()

    async def load(self) -> None:
        self.buffered = []
        await super().load()

    async def poll(self) -> None:
        # The stream keeps this view current; polling only fills a gap (stream down).
        if self.paused:
            return
        page = await self.sdk(self.fetch(None), what="Refreshing events", quiet=True)
        fresh = [event_row(e) for e in page.data if self.table.get(str(e.id)) is None]
        if fresh:
            self.table.prepend(fresh)
        self.table.refresh_cells()

    def status_detail(self) -> Text:
        text = super().status_detail()
        if self.paused:
            text.append(
                f"  ❚❚ tail paused, {len(self.buffered)} waiting (space)", style="bold yellow"
            )
        else:
            text.append("  ● tailing", style="green")
        return text

    # -- detail -----------------------------------------------------------------------------------

    async def detail(self, row: Row) -> RenderableType:
        event = await self.sdk(self.client.events.get(row.key), what="Loading the event")
        return group(
            Text.assemble((event.type, "bold"), "  ", (str(event.id), "dim")),
            facts(
                [
                    ("Resource", f"{event.resource_type} {event.resource_id}"),
                    ("By", event.actor.email if event.actor else "system"),
                    ("Created", timestamp(event.created_at)),
                    ("Published", timestamp(event.published_at)),
                    ("Position", event.position),
                    ("Request", event.request_id),
                ]
            ),
            section("Data"),
            Pretty(event.data, expand_all=True),
            Text("\ng go to the record · space pause the tail", style="dim"),
        )

    def action_goto(self) -> None:
        row = self.current_row()
        if row is not None:
            open_resource(self.platform, row.values)

    def palette_actions(self) -> list[tuple[str, str, Any]]:
        row = self.table.current
        items: list[tuple[str, str, Any]] = [
            ("Pause or resume the tail", "space", self.action_toggle_tail)
        ]
        if row is not None:
            items.append(
                (
                    f"Go to {row.values['resource_type']} {short_id(row.values['resource_id'])}",
                    "g",
                    self.action_goto,
                )
            )
        return items
