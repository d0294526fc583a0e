"""Your sign-in sessions (devices): revoke one, or every other one."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import BindingType

from platform_cli.tui.actions import ActionPlan
from platform_cli.tui.format import short_id, timestamp
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import when
from platform_cli.tui.screens.listing import ResourceView, row_change
from platform_cli.tui.widgets.detail import facts, group
from platform_cli.tui.widgets.table import Column, Row


def current_mark(value: Any) -> Text:
    return Text("●", style="bold green") if value else Text("")


def mfa_mark(value: Any) -> Text:
    """Whether the sign-in passed a second factor."""
    return Text("yes", style="green") if value else Text("no", style="dim")


class SessionsView(ResourceView):
    VIEW = "sessions"
    RESOURCE = "auth.sessions"
    FIELDS = (
        "current",
        "user_agent",
        "ip_address",
        "mfa",
        "created_at",
        "last_used_at",
        "expires_at",
    )
    EMPTY_TEXT = "No sessions (signed in with an API key?)."
    MUTATING = frozenset({"revoke", "revoke_others"})
    BINDINGS: ClassVar[list[BindingType]] = [
        key("x", "revoke", "Revoke", "Sign the session out (asks first)"),
        key("X", "revoke_others", "Revoke all others", "Sign out every session but this one"),
    ]

    def columns(self) -> list[Column]:
        now = self.platform.now
        return [
            Column("current", "", 1, render=current_mark, sortable=False),
            Column("user_agent", "DEVICE", 0, min_width=16),
            Column("ip_address", "IP", 15),
            Column("mfa", "MFA", 3, render=mfa_mark),
            Column("created_at", "SIGNED IN", 9, render=when(now)),
            Column("last_used_at", "LAST USED", 9, render=when(now)),
            Column("revoked", "STATE", 8),
        ]

    def list_params(self) -> dict[str, Any]:
        return {}  # the API has no filters for sessions

    def row_values(self, item: Any) -> dict[str, Any]:
        return {"revoked": "revoked" if item.revoked_at else "active"}

    async def fetch_one(self, key: str) -> Any | None:
        return None  # no GET of one session: actions reload the list

    async def detail(self, row: Row) -> RenderableType:
        v = row.values
        return group(
            Text.assemble(
                ("Session ", "bold"),
                (row.key, "bold"),
                ("  (this dashboard)" if v["current"] else "", "green"),
            ),
            facts(
                [
                    ("Device", v["user_agent"]),
                    ("IP", v["ip_address"]),
                    ("Second factor", "passed" if v["mfa"] else "not used"),
                    ("Signed in", timestamp(v["created_at"])),
                    ("Last used", timestamp(v["last_used_at"])),
                    ("Expires", timestamp(v["expires_at"])),
                    ("State", v["revoked"]),
                ]
            ),
            Text("\nx revoke · X revoke all other sessions", style="dim"),
        )

    @row_change
    async def action_revoke(self, row: Row) -> ActionPlan:
        session_id, v = row.key, row.values
        summary = (
            f"Session {short_id(session_id)} ({v['user_agent'] or 'unknown device'}, "
            f"{v['ip_address'] or 'unknown IP'}) is signed out: "
            "its refresh token stops working."
        )
        if v["current"]:
            summary += " This is the session of this dashboard: you will have to log in again."
        return ActionPlan(
            title=f"Revoke session {short_id(session_id)}",
            summary=lambda values: summary,
            command=lambda values: f"platform auth sessions revoke {session_id} --yes",
            run=lambda values: self.client.auth.sessions.revoke(session_id),
            done=lambda result: f"Session {short_id(session_id)} revoked.",
            confirm_label="Revoke",
        )

    def action_revoke_others(self) -> None:
        if self.refuse_read_only():
            return

        async def build() -> ActionPlan | None:
            others = [
                row
                for row in self.table.rows
                if not row.values["current"] and row.values["revoked"] == "active"
            ]
            if not others:
                self.notify("There is no other active session.", timeout=3)
                return None

            async def revoke_all(values: Any) -> int:
                for row in others:
                    await self.client.auth.sessions.revoke(row.key)
                return len(others)

            return ActionPlan(
                title=f"Revoke {len(others)} other session(s)",
                summary=lambda values: (
                    f"{len(others)} session(s) other than this dashboard's are signed out; "
                    "their refresh tokens stop working. This one stays signed in."
                ),
                command=lambda values: (
                    " && ".join(
                        f"platform auth sessions revoke {row.key} --yes" for row in others[:3]
                    )
                    + (f"  # … {len(others)} in all" if len(others) > 3 else "")
                ),
                run=revoke_all,
                done=lambda count: f"Revoked {count} session(s).",
                confirm_label="Revoke all others",
            )

        self.start_action(build)

    async def after_action(self) -> None:
        self.reload()
