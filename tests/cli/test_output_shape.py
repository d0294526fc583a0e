"""--jq, --template and --columns on every list and show verb; nested values for people."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from platform_cli import terminal
from platform_cli.output import Output
from platform_cli.shape import Shape
from platform_sdk import Client
from tests.cli.conftest import Cli

ORDER = {
    "id": "0190a1b2-0000-7000-8000-000000000001",
    "status": "pending",
    "total": "44.98",
    "currency": "EUR",
    "items": [
        {
            "product_id": "0190a1b2-0000-7000-8000-0000000000aa",
            "sku": "MUG-1",
            "name": "Mug",
            "quantity": 2,
            "unit_price": "19.99",
        },
        {"sku": "TEA-1", "name": "Tea", "quantity": 1, "unit_price": "5.00"},
    ],
    "shipping_address": {"name": "Ada Lovelace", "city": "Oslo", "country": "NO"},
}


@pytest.fixture
def order(sdk: Client) -> Any:
    tag = uuid.uuid4().hex[:10]
    product = sdk.products.create(
        sku=f"SH{tag}", name="Shape mug", price="19.99", category=f"shape-{tag}", stock=5
    )
    return sdk.orders.create(items=[{"product_id": product.id, "quantity": 2}])


def test_jq_on_show_and_list(admin_cli: Cli, order: Any) -> None:
    assert admin_cli.ok("orders", "get", str(order.id), "--jq", ".total").stdout == "39.98\n"
    assert admin_cli.ok("orders", "get", str(order.id), "--jq", ".items[0].quantity").stdout == (
        "2\n"
    )
    listed = admin_cli.ok("orders", "list", "-q", str(order.id), "--jq", ".[].id").stdout
    assert listed == f"{order.id}\n"
    lengths = admin_cli.ok("orders", "list", "-q", str(order.id), "--jq", "map(.total)").stdout
    assert json.loads(lengths) == ["39.98"]


def test_jq_and_template_mistakes_are_usage_errors(admin_cli: Cli, order: Any) -> None:
    bad = admin_cli.run("orders", "get", str(order.id), "--jq", ".[")
    assert bad.exit_code == 2 and "--jq" in bad.stderr
    both = admin_cli.run("orders", "get", str(order.id), "--jq", ".id", "--template", "x")
    assert both.exit_code == 2 and "not both" in both.stderr
    yaml = admin_cli.run("orders", "get", str(order.id), "--jq", ".id", "-o", "yaml")
    assert yaml.exit_code == 2 and "leave out -o yaml" in yaml.stderr
    syntax = admin_cli.run("orders", "get", str(order.id), "--template", "{{ id ")
    assert syntax.exit_code == 2 and "--template" in syntax.stderr
    missing = admin_cli.run("orders", "get", str(order.id), "--template", "{{ no_such }}")
    assert missing.exit_code == 1 and "no_such" in missing.stderr
    runtime = admin_cli.run("orders", "get", str(order.id), "--jq", ".total + 1")
    assert runtime.exit_code == 1 and "--jq" in runtime.stderr


def test_template_per_object(admin_cli: Cli, order: Any) -> None:
    template = "{{ status }} {{ total }} {{ currency }} ({{ items | length }} line)"
    shown = admin_cli.ok("orders", "get", str(order.id), "--template", template).stdout
    assert shown == f"pending 39.98 {order.currency} (1 line)\n"
    listed = admin_cli.ok(
        "orders", "list", "-q", str(order.id), "--template", "{{ item.id }}|{{ created_at | ago }}"
    ).stdout
    assert listed.startswith(f"{order.id}|") and ("ago" in listed or "just now" in listed)


def test_columns_pick_fields_in_every_format(admin_cli: Cli, order: Any) -> None:
    lines = admin_cli.ok("orders", "list", "-q", str(order.id), "-c", "total,id").stdout
    assert lines.splitlines() == ["TOTAL\tID", f"39.98\t{order.id}"]
    # Repeated -c adds fields; JSON keeps only them.
    picked = admin_cli.json("orders", "list", "-q", str(order.id), "-c", "status", "-c", "total")
    assert picked == [{"status": "pending", "total": "39.98"}]
    shown = admin_cli.ok("orders", "get", str(order.id), "-c", "status,currency").stdout
    assert shown == f"status\tpending\ncurrency\t{order.currency}\n"
    csv = admin_cli.ok("orders", "get", str(order.id), "-c", "id,total", "-o", "csv").stdout
    assert csv.splitlines() == ["id,total", f"{order.id},39.98"]
    unknown = admin_cli.run("orders", "get", str(order.id), "-c", "nope")
    assert unknown.exit_code == 2 and "no field 'nope'" in unknown.stderr
    assert "total" in unknown.stderr  # the fields there are
    # products list keeps -c for --category: --columns is long-only there.
    products = admin_cli.ok("products", "list", "--columns", "sku", "--limit", "1").stdout
    assert products.splitlines()[0] == "SKU"


def test_dotted_columns_reach_into_objects(capsys: pytest.CaptureFixture[str]) -> None:
    def out(fmt: str) -> Output:
        shape = Shape.of(columns=["status,shipping_address.city"])
        return Output(fmt, tty=False, color=False, spinner=False, shape=shape)

    out("table").many([ORDER])
    assert capsys.readouterr().out == "STATUS\tSHIPPING ADDRESS CITY\npending\tOslo\n"
    out("json").one(ORDER)
    assert json.loads(capsys.readouterr().out) == {
        "status": "pending",
        "shipping_address.city": "Oslo",
    }


def test_nested_values_on_a_terminal_are_blocks_and_sub_tables(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    Output("table", tty=True, color=False, spinner=False).one(ORDER)
    shown = capsys.readouterr().out
    assert "{'" not in shown and '{"' not in shown and "[{" not in shown
    assert "SKU" in shown and "QUANTITY" in shown and "MUG-1" in shown  # a sub-table
    # A line names its product by SKU and name; the product id stays in JSON output.
    assert "PRODUCT ID" not in shown and "0000000000aa" not in shown
    assert "Ada Lovelace" in shown and "city" in shown and "Oslo" in shown  # a block


def test_dry_run_request_reads_as_lines(capsys: pytest.CaptureFixture[str]) -> None:
    request = {k: ORDER[k] for k in ("items", "total", "currency", "shipping_address")}
    out = Output("table", tty=False, color=False, spinner=False)
    out.dry_run("place an order", request=request)
    text = capsys.readouterr().out
    assert "{" not in text and "[" not in text
    assert "  items:\n    - sku: MUG-1\n      name: Mug\n      quantity: 2\n" in text
    assert "  total: 44.98\n  currency: EUR\n  shipping_address:\n    name: Ada Lovelace\n" in text


def test_order_get_on_a_terminal_has_no_repr(
    admin_cli: Cli, order: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminal, "stdout_is_tty", lambda: True)
    monkeypatch.setenv("COLUMNS", "160")
    shown = admin_cli.ok("orders", "get", str(order.id)).stdout
    assert "{'" not in shown and '{"' not in shown
    assert "QUANTITY" in shown and order.items[0].sku in shown


def test_boolean_flags_show_no_value_type_in_help(cli: Cli) -> None:
    for args in (["orders", "list"], ["orders", "cancel"], ["profiles", "list"], []):
        text = cli.ok(*args, "--help").stdout
        assert "<bool>" not in text, args
    assert "--jq" in cli.ok("users", "list", "--help").stdout
    # A verb whose own option has the name keeps it: --template filters notifications.
    notifications = cli.ok("notifications", "list", "--help").stdout
    assert "Only this template" in notifications and "--jq" in notifications


def test_events_tail_goes_through_jq_event_by_event(
    admin_cli: Cli, sdk: Client, order: Any
) -> None:
    newest, older = list(sdk.events.list(limit=2).data)
    shown = admin_cli.ok("events", "tail", "--after", str(older.id), "-n", "1", "--jq", ".id")
    assert shown.stdout == f"{newest.id}\n"


def test_auth_status_and_health_take_jq_too(
    admin_cli: Cli, admin_credentials: tuple[str, str]
) -> None:
    shown = admin_cli.ok("auth", "status", "--jq", ".user.email").stdout
    assert shown == f"{admin_credentials[0]}\n"
    assert admin_cli.ok("health", "--template", "{{ live.status }}").stdout == "ok\n"
