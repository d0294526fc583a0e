"""Notifications (emails and SMS): filter by status, channel, template or user; retry."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import BindingType

from platform_cli.tui.actions import ActionPlan
from platform_cli.tui.filters import FilterKey, FilterSpec, uuid_value
from platform_cli.tui.format import short_id, status_text, timestamp
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import status, when
from platform_cli.tui.screens.listing import PaletteItem, ResourceView, row_change
from platform_cli.tui.widgets.detail import facts, group, section
from platform_cli.tui.widgets.table import Column, Row

TEMPLATES = (
    "welcome",
    "order_created",
    "order_paid",
    "order_shipped",
    "order_refunded",
    "webhook_disabled",
    "login_ceiling",
)


class NotificationsView(ResourceView):
    VIEW = "notifications"
    FIELDS = ("created_at", "channel", "recipient", "template", "status", "attempts")
    FILTERS = FilterSpec(
        keys=(
            FilterKey("status", "status", ("queued", "sent", "failed"), help="delivery status"),
            FilterKey("channel", "channel", ("email", "sms"), help="email or sms"),
            FilterKey("template", "template", TEMPLATES, help="what it is about"),
            FilterKey("user", "user_id", convert=uuid_value, help="the recipient's user id"),
        )
    )
    MUTATING = frozenset({"retry"})
    BINDINGS: ClassVar[list[BindingType]] = [
        key("R", "retry", "Retry", "Send a failed or queued one again now"),
        key("u", "user", "User", "Open the recipient"),
    ]

    def columns(self) -> list[Column]:
        return [
            Column("created_at", "CREATED", 8, render=when(self.platform.now)),
            Column("channel", "VIA", 5),
            Column("recipient", "RECIPIENT", 0, min_width=16),
            Column("template", "TEMPLATE", 15),
            Column("status", "STATUS", 7, render=status),
            Column("attempts", "TRIES", 5, align="right"),
        ]

    def row_values(self, item: Any) -> dict[str, Any]:
        return {"user_id": str(item.user_id) if item.user_id else None}

    async def detail(self, row: Row) -> RenderableType:
        item = await self.sdk(
            self.client.notifications.get(row.key), what="Loading the notification"
        )
        self.table.update_row(self.to_row(item))
        return group(
            Text.assemble(
                (f"{item.channel} · {item.template}", "bold"), "  ", status_text(item.status)
            ),
            facts(
                [
                    ("To", item.recipient),
                    ("Subject", item.subject),
                    ("Attempts", item.attempts),
                    ("Last error", Text(item.last_error, style="red") if item.last_error else None),
                    ("Created", timestamp(item.created_at)),
                    ("Sent", timestamp(item.sent_at) if item.sent_at else None),
                    (
                        "Next attempt",
                        timestamp(item.next_attempt_at) if item.next_attempt_at else None,
                    ),
                    ("Event", str(item.event_id) if item.event_id else None),
                    ("User", str(item.user_id) if item.user_id else None),
                ]
            ),
            section("Message"),
            Text(item.body_text),
            Text("\nR retry · u user", style="dim"),
        )

    def action_user(self) -> None:
        self.open_user_of("user_id", "This notification is not for a user account.")

    @row_change
    async def action_retry(self, row: Row) -> ActionPlan:
        v = row.values
        note_id = row.key
        summary = (
            f'The {v["channel"]} "{v["template"]}" to {v["recipient"]} '
            f"({v['status']}, {v['attempts']} attempt(s) so far) is sent again now."
        )
        if v["status"] == "sent":
            summary += " It was already sent: the server will refuse."
        return ActionPlan(
            title=f"Retry notification {short_id(note_id)}",
            summary=lambda values: summary,
            command=lambda values: f"platform notifications retry {note_id} --yes",
            run=lambda values: self.client.notifications.retry(note_id),
            done=lambda item: (
                f"Notification {short_id(note_id)}: {item.status} after {item.attempts} attempt(s)."
            ),
            confirm_label="Send again",
            danger=False,
        )

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        name = short_id(row.key)
        return (
            [(f"User of notification {name}", "u", self.action_user)],
            [(f"Retry notification {name}", "R — asks first", self.action_retry)],
        )
