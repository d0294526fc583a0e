from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from platform_cli.commands.stats import BARS, sparkline
from platform_sdk import Client
from tests.cli.conftest import Cli

HEADER = ["FIGURE", "VALUE", "LAST 24 H"]
FIGURES = [
    "orders_today",
    "revenue_today",
    "pending_orders",
    "low_stock_products",
    "new_users_today",
    "failed_notifications",
    "failed_webhook_deliveries",
]
WITHOUT_TREND = {"pending_orders", "low_stock_products"}


def test_sparkline_scales_to_the_largest_value() -> None:
    assert sparkline([0, 0, 0]) == "▁▁▁"
    assert sparkline([]) == ""
    assert sparkline([0, 1, 7, 14]) == "▁▂▅█"
    assert sparkline([Decimal("0.01"), Decimal("100.00")]) == "▂█"  # small, not nothing
    assert sparkline([3, 3]) == BARS[-1] * 2


def rows(stdout: str) -> dict[str, list[str]]:
    lines = stdout.splitlines()
    assert lines[0].split("\t") == HEADER
    table = {}
    for line in lines[1:]:
        figure, value, trend = line.split("\t")
        table[figure] = [value, trend]
    return table


def test_bare_stats_prints_the_overview_table(admin_cli: Cli, sdk: Client) -> None:
    table = rows(admin_cli.ok("stats").stdout)
    assert list(table) == FIGURES
    for figure, (value, trend) in table.items():
        if figure in WITHOUT_TREND:
            assert trend == "", figure
        else:
            bars = trend.split(" ")[0]
            assert len(bars) == 24 and set(bars) <= set(BARS), (figure, trend)
        if figure != "revenue_today":
            assert int(value) >= 0
    assert rows(admin_cli.ok("stats", "overview").stdout).keys() == table.keys()


def test_json_is_the_object_the_api_sends(admin_cli: Cli, sdk: Client) -> None:
    before = admin_cli.json("stats")
    sdk.users.create(
        email=f"cli-stats-{uuid.uuid4().hex[:12]}@example.com",
        password="tidal-lantern-42",
        name="Stats",
    )
    after: dict[str, Any] = admin_cli.json("stats", "overview")
    assert set(after) >= {"generated_at", "day_start", "revenue_today", "trends", *FIGURES[2:]}
    assert after["new_users_today"] == before["new_users_today"] + 1
    assert len(after["trends"]["orders"]) == after["trends"]["hours"] == 24
    # the group's own -o applies to the command under it, as the root's does
    assert admin_cli.json("stats", "-o", "json", "overview").keys() == after.keys()
    yaml_out = admin_cli.ok("stats", "-o", "yaml").stdout
    assert "orders_today:" in yaml_out and "trends:" in yaml_out


def test_customers_are_refused(cli: Cli, make_user: Any) -> None:
    user = make_user()
    assert cli.login(user.email, user.password).exit_code == 0
    denied = cli.run("stats")
    assert denied.exit_code == 1 and "403" in denied.stderr
    assert denied.stdout == ""


def test_without_signing_in(cli: Cli) -> None:
    result = cli.run("stats", "--help")
    assert result.exit_code == 0 and "overview" in result.stdout
