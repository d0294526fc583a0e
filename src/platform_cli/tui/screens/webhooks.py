"""Webhook endpoints and their deliveries: the endpoints on the left, the highlighted
endpoint's deliveries (paged too) and the highlighted delivery on the right; redeliver."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.pretty import Pretty
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Vertical

from platform_cli.tui.actions import ActionPlan
from platform_cli.tui.filters import FilterKey, FilterSpec
from platform_cli.tui.format import short_id, status_text, timestamp
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import status, when
from platform_cli.tui.screens.listing import ResourceView
from platform_cli.tui.widgets.detail import DetailPane, facts, group, section
from platform_cli.tui.widgets.table import Column, ResourceTable, Row


def endpoint_state(value: Any) -> Text:
    return status_text("active" if value == "active" else "disabled")


def _active_value(text: str) -> bool:
    if text not in {"active", "disabled"}:
        raise ValueError("active or disabled")
    return text == "active"


class WebhooksView(ResourceView):
    VIEW = "webhooks"
    NOUN = "endpoints"
    DETAIL_TITLE = "Endpoint"
    EMPTY_TEXT = "No webhook endpoints (platform webhooks create)."
    FILTERS = FilterSpec(
        keys=(
            FilterKey(
                "state",
                "active",
                ("active", "disabled"),
                convert=_active_value,
                help="endpoints: active or disabled",
            ),
            FilterKey(
                "status",
                "delivery_status",
                ("pending", "succeeded", "failed"),
                help="deliveries: their status",
            ),
            FilterKey("event", "delivery_event_type", help="deliveries: event type (or ping)"),
        )
    )
    MUTATING = frozenset({"redeliver"})
    BINDINGS: ClassVar[list[BindingType]] = [
        key("R", "redeliver", "Redeliver", "Send the highlighted delivery again")
    ]

    def __init__(self, filter_text: str = "", *, select: str | None = None) -> None:
        super().__init__(filter_text, select=select)
        self.endpoint_id: str | None = None
        self.deliveries_cursor: str | None = None
        self.delivery_generation = 0
        self._endpoint_detail: RenderableType = Text("")
        self._loading_deliveries = False
        self._quiet_deliveries = False

    def compose_body(self) -> ComposeResult:
        with Container(id="body"):
            yield ResourceTable(self.columns(), id="table", empty_text=self.empty_text)
            with Vertical(id="webhook-side"):
                yield DetailPane(id="detail", title=self.detail_title)
                yield ResourceTable(
                    self.delivery_columns(), id="deliveries", empty_text="No deliveries."
                )

    @property
    def deliveries(self) -> ResourceTable:
        return self.query_one("#deliveries", ResourceTable)

    def columns(self) -> list[Column]:
        return [
            Column("url", "URL", 0, min_width=20),
            Column("state", "STATE", 8, render=endpoint_state),
            Column("events", "EVENTS", 14),
            Column("failing_since", "FAILING", 8, render=when(self.platform.now)),
        ]

    def delivery_columns(self) -> list[Column]:
        return [
            Column("created_at", "CREATED", 8, render=when(self.platform.now)),
            Column("event_type", "EVENT", 0, min_width=14),
            Column("status", "STATUS", 9, render=status),
            Column("attempts", "TRIES", 5, align="right"),
            Column("response_code", "HTTP", 4, align="right"),
        ]

    def _endpoint_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.filter.params.items() if k == "active"}

    def _delivery_params(self) -> dict[str, Any]:
        params = self.filter.params
        out: dict[str, Any] = {}
        if "delivery_status" in params:
            out["status"] = params["delivery_status"]
        if "delivery_event_type" in params:
            out["event_type"] = params["delivery_event_type"]
        return out

    def list_params(self) -> dict[str, Any]:
        return self._endpoint_params()

    def to_row(self, endpoint: Any) -> Row:
        events = endpoint.events or []
        return Row(
            str(endpoint.id),
            {
                "url": endpoint.url,
                "state": "active" if endpoint.active else "disabled",
                "events": "all" if events == ["*"] else ", ".join(events),
                "failing_since": endpoint.failing_since,
                "description": endpoint.description,
                "disabled_reason": endpoint.disabled_reason,
                "created_at": endpoint.created_at,
            },
        )

    # -- the endpoint (detail pane) and its deliveries ---------------------------------------------

    async def detail(self, row: Row) -> RenderableType:
        v = row.values
        self._endpoint_detail = group(
            Text.assemble((v["url"], "bold"), "  ", endpoint_state(v["state"])),
            facts(
                [
                    ("Id", row.key),
                    ("Events", v["events"]),
                    ("Description", v["description"]),
                    (
                        "Disabled because",
                        Text(v["disabled_reason"], style="red") if v["disabled_reason"] else None,
                    ),
                    (
                        "Failing since",
                        timestamp(v["failing_since"]) if v["failing_since"] else None,
                    ),
                    ("Created", timestamp(v["created_at"])),
                ]
            ),
        )
        if row.key != self.endpoint_id:
            self.endpoint_id = row.key
            self._quiet_deliveries = True  # the pane is being built here
            try:
                await self._load_deliveries(row.key)
            finally:
                self._quiet_deliveries = False
        delivery = self.deliveries.current
        if delivery is None:
            return self._endpoint_detail
        return await self._delivery_renderable(row.key, delivery.key)

    async def _load_deliveries(self, endpoint_id: str) -> None:
        self.delivery_generation += 1
        generation = self.delivery_generation
        page = await self.sdk(
            self.client.webhooks.deliveries.list(
                endpoint_id, limit=self.PAGE_SIZE, **self._delivery_params()
            ),
            what="Loading deliveries",
        )
        if generation != self.delivery_generation:
            return
        self.deliveries.set_rows(self.delivery_row(d) for d in page.data)
        self.deliveries_cursor = page.next_cursor

    def delivery_row(self, delivery: Any) -> Row:
        return Row(
            str(delivery.id),
            {
                "created_at": delivery.created_at,
                "event_type": delivery.event_type,
                "status": delivery.status,
                "attempts": delivery.attempts,
                "response_code": delivery.response_code,
                "last_error": delivery.last_error,
            },
        )

    async def poll(self) -> None:
        await super().poll()
        if self.endpoint_id is not None:
            await self._load_deliveries(self.endpoint_id)

    def filter_changed(self) -> None:
        self.endpoint_id = None  # deliveries reload with the new filter
        super().filter_changed()

    @on(ResourceTable.NearEnd, "#deliveries")
    def _deliveries_near_end(self) -> None:
        if self.deliveries_cursor is None or self.endpoint_id is None or self._loading_deliveries:
            return
        self._loading_deliveries = True
        self._more_deliveries(self.endpoint_id, self.deliveries_cursor, self.delivery_generation)

    @work(group="more-deliveries", exit_on_error=False)
    async def _more_deliveries(self, endpoint_id: str, cursor: str, generation: int) -> None:
        try:
            page = await self.sdk(
                self.client.webhooks.deliveries.list(
                    endpoint_id, limit=self.PAGE_SIZE, cursor=cursor, **self._delivery_params()
                ),
                what="Loading more deliveries",
            )
            if generation == self.delivery_generation:
                self.deliveries.extend(self.delivery_row(d) for d in page.data)
                self.deliveries_cursor = page.next_cursor
        finally:
            self._loading_deliveries = False
        self._quiet_deliveries = False

    @on(ResourceTable.Highlighted, "#deliveries")
    def _delivery_highlighted(self, event: ResourceTable.Highlighted) -> None:
        if event.row is None or self.endpoint_id is None or self._quiet_deliveries:
            return
        self._delivery_detail(self.endpoint_id, event.row.key)

    @on(ResourceTable.Selected, "#deliveries")
    def _delivery_selected(self, event: ResourceTable.Selected) -> None:
        self.action_zoom()

    @work(group="delivery-detail", exclusive=True, exit_on_error=False)
    async def _delivery_detail(self, endpoint_id: str, delivery_id: str) -> None:
        self.detail_pane.show(await self._delivery_renderable(endpoint_id, delivery_id))

    async def _delivery_renderable(self, endpoint_id: str, delivery_id: str) -> RenderableType:
        delivery = await self.sdk(
            self.client.webhooks.deliveries.get(endpoint_id, delivery_id),
            what="Loading the delivery",
        )
        return group(
            self._endpoint_detail,
            section("Delivery"),
            Text.assemble((delivery.event_type, "bold"), "  ", status_text(delivery.status)),
            facts(
                [
                    ("Id", str(delivery.id)),
                    ("Message id", delivery.message_id),
                    ("Attempts", delivery.attempts),
                    (
                        "Last answer",
                        f"HTTP {delivery.response_code}" if delivery.response_code else None,
                    ),
                    (
                        "Took",
                        f"{delivery.duration_ms} ms" if delivery.duration_ms is not None else None,
                    ),
                    (
                        "Last error",
                        Text(delivery.last_error, style="red") if delivery.last_error else None,
                    ),
                    (
                        "Next attempt",
                        timestamp(delivery.next_attempt_at) if delivery.next_attempt_at else None,
                    ),
                    (
                        "Delivered",
                        timestamp(delivery.delivered_at) if delivery.delivered_at else None,
                    ),
                    ("Created", timestamp(delivery.created_at)),
                ]
            ),
            section("Payload"),
            Pretty(getattr(delivery, "payload", {}), expand_all=True),
            Text("\nR redeliver · tab switches lists", style="dim"),
        )

    # -- actions -----------------------------------------------------------------------------------

    def action_redeliver(self) -> None:
        if self.refuse_read_only():
            return
        delivery = self.deliveries.current
        endpoint_id = self.endpoint_id
        if delivery is None or endpoint_id is None:
            self.notify("Pick a delivery first (tab to the deliveries list).", severity="warning")
            return
        endpoint = self.table.get(endpoint_id)
        url = endpoint.values["url"] if endpoint else endpoint_id
        d = delivery.values

        async def build() -> ActionPlan:
            return ActionPlan(
                title=f"Redeliver {d['event_type']} delivery {short_id(delivery.key)}",
                summary=lambda values: (
                    f"The {d['event_type']} delivery {short_id(delivery.key)} ({d['status']}, "
                    f"{d['attempts']} attempt(s)) is sent to {url} again now, with the same body "
                    "and webhook-id, then retried on the usual schedule if it fails."
                ),
                command=lambda values: f"platform webhooks redeliver {endpoint_id} {delivery.key}",
                run=lambda values: self.client.webhooks.deliveries.redeliver(
                    endpoint_id, delivery.key
                ),
                done=lambda result: f"Delivery {short_id(delivery.key)} is {result.status} again.",
                confirm_label="Redeliver",
                danger=False,
            )

        self.start_action(build)

    async def after_action(self) -> None:
        if self.endpoint_id is not None:
            await self._load_deliveries(self.endpoint_id)
            delivery = self.deliveries.current
            if delivery is not None:
                self.detail_pane.show(
                    await self._delivery_renderable(self.endpoint_id, delivery.key)
                )

    def palette_actions(self) -> list[tuple[str, str, Any]]:
        if self.read_only or self.deliveries.current is None:
            return []
        return [
            (
                f"Redeliver delivery {short_id(self.deliveries.current.key)}",
                "R — asks first",
                self.action_redeliver,
            )
        ]
