"""`platform stats …`: mirrors ``client.stats`` of the SDK (staff)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import typer

from platform_cli.context import Column, OutputOption, client, output, state

if TYPE_CHECKING:
    from platform_sdk import Overview

HELP = (
    "The operator dashboard's figures (staff): today's orders and revenue, unpaid orders, "
    "low stock, new users, failures. `platform stats` alone shows the overview."
)

app = typer.Typer(help=HELP)

COLUMNS = [Column("FIGURE", "figure"), Column("VALUE", "value"), Column("LAST 24 H", "trend")]

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int | Decimal]) -> str:
    """One bar per value, scaled to the largest: zero is ``▁``, any other value at least
    ``▂``, the largest ``█``."""
    top = max(values, default=0)
    if top <= 0:
        return BARS[0] * len(values)
    steps = len(BARS) - 1
    # Rounded up, so the smallest value above zero still rises above the baseline.
    return "".join(
        BARS[min(steps, math.ceil(float(value) / float(top) * steps))] if value > 0 else BARS[0]
        for value in values
    )


def overview_rows(overview: Overview) -> list[dict[str, Any]]:
    """The figures as FIGURE / VALUE / LAST 24 H rows (trends hourly, oldest first)."""
    trends = overview.trends
    revenue = ", ".join(f"{r.amount} {r.currency}" for r in overview.revenue_today) or "0"
    revenue_trend = sparkline(trends.revenue)
    if trends.revenue_currency:
        revenue_trend += f" {trends.revenue_currency}"
    rows = [
        ("orders_today", overview.orders_today, sparkline(trends.orders)),
        ("revenue_today", revenue, revenue_trend),
        ("pending_orders", overview.pending_orders, ""),
        ("low_stock_products", overview.low_stock_products, ""),
        ("new_users_today", overview.new_users_today, sparkline(trends.new_users)),
        (
            "failed_notifications",
            overview.failed_notifications,
            sparkline(trends.failed_notifications),
        ),
        (
            "failed_webhook_deliveries",
            overview.failed_webhook_deliveries,
            sparkline(trends.failed_webhook_deliveries),
        ),
    ]
    return [{"figure": f, "value": v, "trend": t} for f, v, t in rows]


def _show_overview(ctx: typer.Context, fmt: Any) -> None:
    out = output(ctx, fmt)
    with client(ctx) as sdk, out.spinner("Fetching figures…"):
        overview = sdk.stats.overview()
    if out.format != "table":
        out.one(overview)  # the object as the API sends it
        return
    out.many(overview_rows(overview), COLUMNS)
    if out.rich:
        since = overview.trends.since
        out.info(
            f"Today: the UTC day since {overview.day_start:%Y-%m-%d %H:%M}. "
            f"Trends: hour by hour since {since:%Y-%m-%d %H:%M} UTC, oldest first."
        )


@app.callback(invoke_without_command=True)
def stats(ctx: typer.Context, fmt: OutputOption = None) -> None:
    """The operator dashboard's figures (staff). Alone: the overview."""
    if ctx.invoked_subcommand is None:
        _show_overview(ctx, fmt)
    elif fmt is not None:
        state(ctx).output = fmt.value  # `platform stats -o json overview`


@app.command("overview")
def overview(ctx: typer.Context, fmt: OutputOption = None) -> None:
    """Today's orders, revenue, unpaid orders, low-stock products, new users and failed
    notifications and webhook deliveries, with a sparkline of each over the last 24 hours.

    "Today" is the UTC day. `-o json` prints the figures as the API sends them.
    """
    _show_overview(ctx, fmt)
