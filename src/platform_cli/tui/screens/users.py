"""Users: filter by role, status or name/email; detail with profile and recent orders;
suspend or activate, change role, revoke all sessions, reset the second factor (admins);
jump to their orders and notifications."""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

from rich.console import RenderableType
from rich.text import Text
from textual.binding import BindingType

from platform_cli.commands.users.options import Role, Status
from platform_cli.tui.actions import ActionPlan, FormField, Values
from platform_cli.tui.filters import FilterKey, FilterSpec
from platform_cli.tui.format import money, short_id, status_text, timestamp
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import failed, page_section, sections, status, when
from platform_cli.tui.screens.listing import PaletteItem, ResourceView, row_change
from platform_cli.tui.widgets.detail import facts, group, section
from platform_cli.tui.widgets.table import Column, Row

ROLES: tuple[str, ...] = get_args(Role)
USER_STATUSES: tuple[str, ...] = get_args(Status)


class UsersView(ResourceView):
    VIEW = "users"
    FIELDS = ("email", "name", "role", "status", "created_at")
    FILTERS = FilterSpec(
        keys=(
            FilterKey("role", "role", ROLES, help="role"),
            FilterKey("status", "status", USER_STATUSES, help="account status"),
            FilterKey("q", "q", help="part of the email or name"),
        ),
        text_key="q",
    )
    MUTATING = frozenset({"toggle_status", "change_role", "revoke_sessions", "reset_mfa"})
    BINDINGS: ClassVar[list[BindingType]] = [
        key("o", "orders", "Orders", "Orders of this user"),
        key("n", "notifications", "Notifications", "Emails and SMS sent to this user"),
        key(
            "t",
            "toggle_status",
            "Suspend/activate",
            "Suspend an active user, activate a suspended one",
        ),
        key("c", "change_role", "Role", "Change the role: admin, staff or customer"),
        key(
            "x", "revoke_sessions", "Revoke sessions", "Sign this user out everywhere (asks first)"
        ),
        key(
            "m",
            "reset_mfa",
            "Reset MFA",
            "Admins: turn the user's second factor (MFA) off, for a lost phone (asks first)",
        ),
    ]

    def columns(self) -> list[Column]:
        return [
            Column("email", "EMAIL", 0, min_width=20),
            Column("name", "NAME", 16),
            Column("role", "ROLE", 8),
            Column("status", "STATUS", 9, render=status),
            Column("created_at", "CREATED", 8, render=when(self.platform.now)),
        ]

    async def detail(self, row: Row) -> RenderableType:
        client = self.client
        results = await sections(
            user=client.users.get(row.key),
            profile=client.users.profile.get(row.key),
            orders=client.orders.list(user_id=row.key, limit=10),
        )
        user = self.checked(results["user"], what="Loading the user")
        self.table.update_row(self.to_row(user))
        profile = results["profile"]
        orders = results["orders"]
        me = self.platform.me
        parts: list[RenderableType] = [
            Text.assemble(
                (user.name, "bold"), "  ", (user.email, ""), "  ", status_text(user.status)
            ),
            facts(
                [
                    ("Id", str(user.id)),
                    (
                        "Role",
                        user.role + ("  (you)" if me is not None and me.id == user.id else ""),
                    ),
                    ("Created", timestamp(user.created_at)),
                    ("Updated", timestamp(user.updated_at)),
                ]
            ),
            section("Profile"),
            failed(profile)
            or facts(
                [
                    ("Location", profile.location),
                    ("Phone", profile.phone),
                    ("SMS updates", "yes" if getattr(profile, "sms_opt_in", False) else "no"),
                    ("Bio", profile.bio),
                ]
            ),
            *page_section(
                "Recent orders",
                orders,
                ["ORDER", "STATUS", "TOTAL", "CREATED"],
                lambda o: (
                    short_id(o.id),
                    status_text(o.status),
                    money(o.total, o.currency),
                    timestamp(o.created_at),
                ),
                empty="no orders",
            ),
            Text(
                "\no orders · n notifications · t suspend/activate · c change role"
                " · x revoke sessions · m reset MFA",
                style="dim",
            ),
        ]
        return group(*parts)

    # -- jumps ------------------------------------------------------------------------------------

    def action_orders(self) -> None:
        self.open_related("orders", "user")

    def action_notifications(self) -> None:
        self.open_related("notifications", "user")

    # -- actions ----------------------------------------------------------------------------------

    @row_change
    async def action_toggle_status(self, row: Row) -> ActionPlan:
        user_id, email = row.key, row.values["email"]
        suspend = row.values["status"] != "suspended"
        if suspend:
            summary = (
                f"User {email} ({short_id(user_id)}) is suspended: they can no longer sign "
                "in, and their sessions and API keys stop working until reactivated."
            )
            command = f"platform users suspend {user_id} --yes"
        else:
            summary = f"User {email} ({short_id(user_id)}) is activated: they can sign in again."
            command = f"platform users activate {user_id}"
        new_status: Literal["active", "suspended"] = "suspended" if suspend else "active"
        return ActionPlan(
            title=f"{'Suspend' if suspend else 'Activate'} {email}",
            summary=lambda values: summary,
            command=lambda values: command,
            run=lambda values: self.client.users.update(user_id, status=new_status),
            done=lambda user: f"{user.email} is now {user.status}.",
            confirm_label="Suspend" if suspend else "Activate",
            danger=suspend,
        )

    @row_change
    async def action_change_role(self, row: Row) -> ActionPlan:
        user_id, email, current = row.key, row.values["email"], row.values["role"]

        def summary(values: Values) -> str:
            role = values.get("role") or "?"
            if role == current:
                return f"{email} is already {current}: nothing would change."
            return (
                f"The role of {email} ({short_id(user_id)}) changes from {current} to {role}; "
                "their permissions change with their next request."
            )

        return ActionPlan(
            title=f"Change the role of {email}",
            summary=summary,
            command=lambda values: (
                f"platform users set-role {user_id} {values.get('role') or 'ROLE'} --yes"
            ),
            run=lambda values: self.client.users.update(user_id, role=values["role"]),
            done=lambda user: f"{user.email} is now {user.role}.",
            fields=[FormField("role", "New role", kind="choice", choices=ROLES, default=current)],
            confirm_label="Change role",
        )

    @row_change
    async def action_revoke_sessions(self, row: Row) -> ActionPlan:
        user_id, email = row.key, row.values["email"]
        me = self.platform.me
        summary = (
            f"Every session of {email} ({short_id(user_id)}) is signed out: their refresh "
            "and access tokens stop working. API keys are not affected."
        )
        if me is not None and str(me.id) == user_id:
            summary += " This includes this dashboard's session: you will have to log in again."
        return ActionPlan(
            title=f"Revoke every session of {email}",
            summary=lambda values: summary,
            command=lambda values: f"platform users revoke-sessions {user_id} --yes",
            run=lambda values: self.client.users.revoke_sessions(user_id),
            done=lambda result: f"Every session of {email} is revoked.",
            confirm_label="Revoke sessions",
            danger=True,
        )

    def _is_admin(self) -> bool:
        me = self.platform.me
        return me is not None and me.role == "admin"

    @row_change
    async def action_reset_mfa(self, row: Row) -> ActionPlan | None:
        user_id, email = row.key, row.values["email"]
        me = self.platform.me
        if not self._is_admin():
            self.notify("Only an admin can reset a second factor.", severity="warning")
            return None
        if me is not None and str(me.id) == user_id:
            self.notify(
                "Your own second factor is turned off with a current code: "
                "platform auth mfa disable",
                severity="warning",
                markup=False,
            )
            return None
        return ActionPlan(
            title=f"Reset the second factor (MFA) of {email}",
            summary=lambda values: (
                f"The second factor of {email} ({short_id(user_id)}) is turned off and "
                "its recovery codes dropped, and every session of theirs is signed out: "
                "they sign in with the password alone and enrol again (for a lost phone; "
                "audited). Without a second factor, the server says so and nothing changes."
            ),
            command=lambda values: f"platform users mfa-reset {user_id} --yes",
            run=lambda values: self.client.users.reset_mfa(user_id),
            done=lambda result: (
                f"The second factor of {email} is off; they sign in with their password "
                "and enrol again."
            ),
            confirm_label="Reset second factor",
            danger=True,
        )

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        email = row.values["email"]
        verb = "Activate" if row.values["status"] == "suspended" else "Suspend"
        jumps = [
            (f"Orders of {email}", "o", self.action_orders),
            (f"Notifications of {email}", "n", self.action_notifications),
        ]
        changes = [
            (f"{verb} {email}", "t — asks first", self.action_toggle_status),
            (f"Change the role of {email}", "c — asks first", self.action_change_role),
            (f"Revoke every session of {email}", "x — asks first", self.action_revoke_sessions),
        ]
        if self._is_admin():
            title = f"Reset the second factor (MFA) of {email}"
            changes.append((title, "m — asks first", self.action_reset_mfa))
        return jumps, changes
