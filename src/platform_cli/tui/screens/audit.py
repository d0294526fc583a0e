"""The audit trail (admins): who changed what, from where, and when; read-only."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.pretty import Pretty
from rich.text import Text
from textual.binding import BindingType

from platform_cli.tui.filters import FilterKey, FilterSpec, created_between, uuid_value
from platform_cli.tui.format import DASH, short_id, timestamp
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import ident, when
from platform_cli.tui.screens.events import open_resource
from platform_cli.tui.screens.listing import PaletteItem, ResourceView
from platform_cli.tui.widgets.detail import facts, group, rows_table, section
from platform_cli.tui.widgets.table import Column, Row

TARGET_TYPES = (
    "user",
    "product",
    "order",
    "payment",
    "session",
    "api_key",
    "webhook",
    "notification",
)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"


class AuditView(ResourceView):
    VIEW = "audit"
    NOUN = "records"
    FIELDS = ("created_at", "action", "target_type", "target_id", "ip")
    DETAIL_TITLE = "Audit record"
    EMPTY_TEXT = "No audit records match."
    FILTERS = FilterSpec(
        keys=(
            FilterKey("action", "action", help="an action (order.ship) or a prefix (order)"),
            FilterKey("actor", "actor_id", convert=uuid_value, help="the actor's user id"),
            FilterKey("type", "target_type", TARGET_TYPES, bare=False, help="target type"),
            FilterKey("target", "target_id", help="the target's id"),
            *created_between("on/after", "before"),
        ),
        text_key="action",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        key("g", "goto", "Go to target", "Open the changed record"),
        key("u", "actor", "Actor", "Open who did it"),
    ]

    def columns(self) -> list[Column]:
        return [
            Column("created_at", "WHEN", 8, render=when(self.platform.now)),
            Column("actor_email", "ACTOR", 0, min_width=16),
            Column("action", "ACTION", 22),
            Column("target_type", "TARGET", 8),
            Column("target_id", "ID", 13, render=ident),
            Column("ip", "IP", 15),
        ]

    def row_values(self, record: Any) -> dict[str, Any]:
        actor = record.actor_id
        return {
            "actor_email": record.actor_email or ("system" if actor is None else short_id(actor)),
            "actor_id": str(actor) if actor else None,
        }

    async def detail(self, row: Row) -> RenderableType:
        record = await self.sdk(self.client.audit.get(row.key), what="Loading the record")
        changes = record.changes or {}
        diffs = [
            (name, _short(change.get("before")), _short(change.get("after")))
            for name, change in changes.items()
            if isinstance(change, dict) and ("before" in change or "after" in change)
        ]
        plain = {
            k: v
            for k, v in changes.items()
            if not (isinstance(v, dict) and ("before" in v or "after" in v))
        }
        parts: list[RenderableType] = [
            Text.assemble((record.action, "bold"), "  ", (str(record.id), "dim")),
            facts(
                [
                    (
                        "Actor",
                        f"{record.actor_email or 'system'}"
                        + (f"  ({record.actor_id})" if record.actor_id else ""),
                    ),
                    ("Target", f"{record.target_type or DASH} {record.target_id or ''}".strip()),
                    ("When", timestamp(record.created_at)),
                    ("From", record.ip),
                    ("Request", record.request_id),
                ]
            ),
            section("Changes", len(diffs)),
            rows_table(["FIELD", "BEFORE", "AFTER"], diffs),
        ]
        if plain:
            parts += [section("Details"), Pretty(plain, expand_all=True)]
        parts.append(Text("\ng go to the target · u actor", style="dim"))
        return group(*parts)

    def action_goto(self) -> None:
        row = self.current_row()
        if row is None:
            return
        target_type, target_id = row.values.get("target_type"), row.values.get("target_id")
        if not target_id:
            self.notify("This record has no target to open.", severity="warning")
            return
        open_resource(self.platform, {"resource_type": target_type, "resource_id": target_id})

    def action_actor(self) -> None:
        self.open_user_of("actor_id", "The system did this; there is no user.")

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        jumps = [
            (f"Go to the target of {row.values['action']}", "g", self.action_goto),
            (f"Actor of {row.values['action']}", "u", self.action_actor),
        ]
        return jumps, []
