"""The views, by the name the command line (``:orders``) and the palette use."""

from __future__ import annotations

from dataclasses import dataclass

from platform_cli.tui.screens.api_keys import ApiKeysView
from platform_cli.tui.screens.audit import AuditView
from platform_cli.tui.screens.base import BaseView
from platform_cli.tui.screens.categories import CategoriesView
from platform_cli.tui.screens.events import EventsView
from platform_cli.tui.screens.jobs import JobsView
from platform_cli.tui.screens.notifications import NotificationsView
from platform_cli.tui.screens.orders import OrdersView
from platform_cli.tui.screens.products import ProductsView
from platform_cli.tui.screens.sessions import SessionsView
from platform_cli.tui.screens.stats import StatsView
from platform_cli.tui.screens.users import UsersView
from platform_cli.tui.screens.webhooks import WebhooksView


@dataclass(frozen=True)
class ViewInfo:
    name: str
    view: type[BaseView]
    aliases: tuple[str, ...]
    help: str


VIEWS: dict[str, ViewInfo] = {
    info.name: info
    for info in [
        ViewInfo(
            "stats", StatsView, ("overview", "home", "ov", "dash"), "today's figures, live events"
        ),
        ViewInfo(
            "orders", OrdersView, ("order", "o", "ord"), "orders: cancel, fulfil, ship, refund"
        ),
        ViewInfo(
            "products",
            ProductsView,
            ("product", "p", "prod", "inventory", "inv"),
            "catalog and stock",
        ),
        ViewInfo(
            "categories", CategoriesView, ("category", "cat"), "product categories and counts"
        ),
        ViewInfo("users", UsersView, ("user", "u", "customers"), "accounts: suspend, role"),
        ViewInfo("events", EventsView, ("event", "ev", "tail"), "live tail of domain events"),
        ViewInfo("webhooks", WebhooksView, ("webhook", "wh", "hooks"), "endpoints and deliveries"),
        ViewInfo(
            "notifications", NotificationsView, ("notification", "notif", "n"), "emails and SMS"
        ),
        ViewInfo("audit", AuditView, ("au", "log"), "who changed what (admins)"),
        ViewInfo("sessions", SessionsView, ("session", "se"), "your sign-in sessions"),
        ViewInfo("api-keys", ApiKeysView, ("api-key", "keys", "ak"), "API keys: create, revoke"),
        ViewInfo(
            "jobs", JobsView, ("job", "bulk", "bulk-jobs"), "bulk imports and exports: progress"
        ),
    ]
}


def resolve(word: str) -> ViewInfo | None:
    lowered = word.lower()
    if lowered in VIEWS:
        return VIEWS[lowered]
    for info in VIEWS.values():
        if lowered in info.aliases:
            return info
    return None


__all__ = ["VIEWS", "BaseView", "ViewInfo", "resolve"]
