"""Your API keys (``platform api-keys``): create one (the secret shown once), revoke one.

Revoked keys leave the list (the API lists live keys only); an expired key stays, marked.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import BindingType

from platform_cli.tui.actions import ActionPlan, FormField, Values
from platform_cli.tui.dialogs import SecretDialog
from platform_cli.tui.format import DASH, as_utc, quote, timestamp
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import when
from platform_cli.tui.screens.listing import PaletteItem, ResourceView, row_change
from platform_cli.tui.widgets.detail import facts, group, rows_table, section
from platform_cli.tui.widgets.table import Column, Row

# The scopes a key can have (the server's permission names), what each allows, and the
# least role that has it: a key never gets more than its owner. tests/tui/test_api_keys_view.py
# checks this against the server's roles.
SCOPES: dict[str, tuple[str, str]] = {
    "account:read": ("read your own account and profile", "customer"),
    "account:write": ("change your account, profile and API keys", "customer"),
    "orders:write": ("place, pay and cancel your orders", "customer"),
    "users:read": ("read every user", "staff"),
    "orders:manage": ("everyone's orders: fulfil, ship, deliver, refund", "staff"),
    "catalog:write": ("create, change and delete products", "staff"),
    "inventory:write": ("adjust stock", "staff"),
    "events:read": ("read the event stream", "staff"),
    "notifications:manage": ("everyone's notifications; retry them", "staff"),
    "stats:read": ("the dashboard's figures", "staff"),
    "users:write": ("create, change and delete users", "admin"),
    "webhooks:manage": ("webhook endpoints and their deliveries", "admin"),
    "audit:read": ("the audit trail", "admin"),
}
_RANK = {"customer": 0, "staff": 1, "admin": 2}


def scopes_of(role: str) -> list[str]:
    """The scopes a user of ``role`` may give a key."""
    rank = _RANK.get(role, 0)
    return [name for name, (_, least) in SCOPES.items() if _RANK[least] <= rank]


def read_only(scopes: list[str]) -> list[str]:
    """The scopes that only read (the default of a new key, as on the server)."""
    return [name for name in scopes if name.endswith(":read")]


def scopes_text(scopes: list[str]) -> Text:
    """A key's reach in a few characters (the detail lists each scope)."""
    if not scopes:
        return Text("none", style="dim")
    if read_only(scopes) == scopes:
        return Text(f"read-only ({len(scopes)})", style="green")
    return Text(f"read+write ({len(scopes)})", style="yellow")


class ApiKeysView(ResourceView):
    VIEW = "api-keys"
    LABEL = "API keys"
    RESOURCE = "api_keys"
    NOUN = "keys"
    FIELDS = ("name", "prefix", "scopes", "created_at", "last_used_at", "expires_at")
    EMPTY_TEXT = "No API keys (c creates one)."
    MUTATING = frozenset({"create", "revoke"})
    BINDINGS: ClassVar[list[BindingType]] = [
        key("c", "create", "Create", "A new key: name, scopes (read-only by default), expiry"),
        key("x", "revoke", "Revoke", "The key stops working at once (asks first)"),
    ]

    def columns(self) -> list[Column]:
        now = self.platform.now
        return [
            Column("name", "NAME", 0, min_width=16),
            Column("prefix", "PREFIX", 12),
            Column("scopes", "SCOPES", 14, render=lambda v: scopes_text(v or [])),
            Column("created_at", "CREATED", 9, render=when(now)),
            Column("last_used_at", "LAST USED", 9, render=when(now)),
            Column("expires_at", "EXPIRES", 10, render=self._expiry),
        ]

    def _expiry(self, value: Any) -> Text:
        if value is None:
            return Text("never", style="dim")
        if as_utc(value) <= self.platform.now():
            return Text("expired", style="bold red")
        return Text(as_utc(value).strftime("%Y-%m-%d"))

    def _state(self, expires_at: datetime | None) -> Text:
        if expires_at is not None and as_utc(expires_at) <= self.platform.now():
            return Text("expired", style="bold red")
        return Text("active", style="green")

    def list_params(self) -> dict[str, Any]:
        return {}  # the API has no filters for keys

    async def fetch_one(self, key: str) -> Any | None:
        return None  # no GET of one key: actions reload the list

    async def after_action(self) -> None:
        self.reload()

    async def detail(self, row: Row) -> RenderableType:
        v = row.values
        scopes: list[str] = v["scopes"] or []
        return group(
            Text.assemble((v["name"], "bold"), "  ", self._state(v["expires_at"])),
            facts(
                [
                    ("Starts with", f"{v['prefix']}…"),
                    ("Id", row.key),
                    ("Created", timestamp(v["created_at"])),
                    ("Last used", timestamp(v["last_used_at"]) if v["last_used_at"] else "never"),
                    ("Expires", timestamp(v["expires_at"]) if v["expires_at"] else "never"),
                ]
            ),
            section(f"Scopes: {scopes_text(scopes).plain}"),
            rows_table(
                ["SCOPE", "ALLOWS"],
                [(name, SCOPES.get(name, (DASH, ""))[0]) for name in scopes],
                empty="none: the key can do nothing",
            ),
            Text("\nc create · x revoke", style="dim"),
        )

    # -- actions -----------------------------------------------------------------------------------

    def action_create(self) -> None:
        async def build() -> ActionPlan:
            me = self.platform.me
            if me is None:
                me = await self.sdk(self.client.users.me(), what="Who am I")
            allowed = scopes_of(me.role)
            today = self.platform.now().astimezone(UTC).date()

            def expiry(values: Values) -> datetime | None:
                days = values.get("days")
                if not isinstance(days, int):
                    return None
                return datetime.combine(today + timedelta(days=days), time(), tzinfo=UTC)

            def chosen(values: Values) -> list[str]:
                ticked = values.get("scopes")
                return ticked if isinstance(ticked, list) else []

            def summary(values: Values) -> str:
                name = values.get("name") or "NAME"
                ticked = chosen(values)
                text = f'A new API key "{name}" for {me.email}'
                text += f" with the scopes {', '.join(ticked)}" if ticked else " with no scope"
                if ticked and read_only(ticked) == ticked:
                    text += " (read-only)"
                until = expiry(values)
                text += f", valid until {until:%Y-%m-%d}." if until else ", never expiring."
                return text + " Its secret is shown once, next."

            def command(values: Values) -> str:
                parts = ["platform api-keys create --name", quote(values.get("name") or "NAME")]
                parts += [f"--scope {name}" for name in chosen(values)]
                until = expiry(values)
                if until is not None:
                    parts.append(f"--expires-at {until:%Y-%m-%d}")
                return " ".join(parts)

            async def show_secret(created: Any) -> None:
                note = (
                    f"Use it as PLATFORM_API_KEY, or `Authorization: Bearer …`. "
                    f"Revoke it with `platform api-keys revoke {created.id} --yes`."
                )
                if not created.key:  # an idempotent replay: the server keeps no secret
                    note = (
                        "The server did not send the secret again (a repeated request): "
                        "revoke this key and create another."
                    )
                await self.app.push_screen_wait(
                    SecretDialog(f'API key "{created.name}" created', created.key, note)
                )

            return ActionPlan(
                title="Create an API key",
                summary=summary,
                command=command,
                run=lambda values: self.client.api_keys.create(
                    name=values["name"], scopes=values["scopes"], expires_at=expiry(values)
                ),
                done=lambda created: f'API key "{created.name}" created ({created.prefix}…).',
                fields=[
                    FormField("name", "Name (what the key is for)", placeholder="nightly-sync"),
                    FormField(
                        "scopes",
                        "Scopes (space ticks; read-only ones are ticked)",
                        kind="checklist",
                        choices=tuple(allowed),
                        hints=tuple(SCOPES[name][0] for name in allowed),
                        default=",".join(read_only(allowed)),
                    ),
                    FormField(
                        "days",
                        "Expires after (days; empty: never)",
                        kind="int",
                        required=False,
                        minimum=1,
                        maximum=3650,
                        placeholder="90",
                    ),
                ],
                confirm_label="Create",
                danger=False,
                followup=show_secret,
            )

        self.start_action(build)

    @row_change
    async def action_revoke(self, row: Row) -> ActionPlan:
        key_id, name = row.key, row.values["name"]
        return ActionPlan(
            title=f'Revoke API key "{name}"',
            summary=lambda values: (
                f'API key "{name}" ({row.values["prefix"]}…) stops working at once: every '
                "script or CI job using it is refused from now on. This cannot be undone."
            ),
            command=lambda values: f"platform api-keys revoke {key_id} --yes",
            run=lambda values: self.client.api_keys.revoke(key_id),
            done=lambda result: f'API key "{name}" revoked.',
            confirm_label="Revoke",
        )

    def palette_actions(self) -> list[PaletteItem]:
        if self.read_only:
            return []
        create = ("Create an API key", "c — name, scopes, expiry", self.action_create)
        return [create, *super().palette_actions()]

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        name = row.values["name"]
        return [], [(f'Revoke API key "{name}"', "x — asks first", self.action_revoke)]
