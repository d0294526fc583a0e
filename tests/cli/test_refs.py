"""References people type: `#1001`, SKUs and id prefixes resolve through the server's
filters; a malformed id is exit 2 with the same message in every command."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from platform_sdk import Client
from tests.cli.conftest import Cli

ID_RULE = "is not an id: an id is a UUID such as"


def flat(text: str) -> str:
    """Error text as one line, without the box Rich draws around it on a wide terminal."""
    for char in "│╭╮╰╯─":
        text = text.replace(char, " ")
    return " ".join(text.split())


@pytest.fixture
def product(sdk: Client) -> Any:
    tag = uuid.uuid4().hex[:10]
    return sdk.products.create(
        sku=f"REF-{tag}", name=f"Ref {tag}", price="4.00", category=f"ref-{tag}", stock=50
    )


def test_order_by_sku_then_by_number(admin_cli: Cli, product: Any) -> None:
    order = admin_cli.json("orders", "create", "--item", f"{product.sku}:2")
    assert order["items"][0]["product_id"] == str(product.id)
    assert order["items"][0]["quantity"] == 2
    number = order["number"]

    table = admin_cli.ok("orders", "get", f"#{number}").stdout
    assert f"number\t#{number}" in table and f"id\t{order['id']}" in table
    assert admin_cli.json("orders", "get", str(number))["id"] == order["id"]
    assert admin_cli.json("orders", "get", order["id"][:13])["id"] == order["id"]
    assert admin_cli.json("orders", "history", f"#{number}")[0]["to_status"] == "pending"
    invoice = admin_cli.run("orders", "invoice", f"#{number}")
    assert invoice.exit_code == 1 and "(409, request " in invoice.stderr  # not paid: resolved
    assert admin_cli.run("orders", "get", "#999999999").exit_code == 5
    # Every verb resolves the reference before it calls the server.
    cancelled = admin_cli.json("orders", "cancel", f"#{number}", "--note", "by number", "--yes")
    assert (cancelled["id"], cancelled["status"]) == (order["id"], "cancelled")
    second = admin_cli.json("orders", "create", "--item", f"{str(product.id)[:18]}:1")
    paid = admin_cli.json("payments", "pay", f"#{second['number']}", "--method", "pm_card_ok")
    assert paid["order_id"] == second["id"]
    fulfilled = admin_cli.json("orders", "fulfill", f"#{second['number']}")
    assert (fulfilled["id"], fulfilled["status"]) == (second["id"], "fulfilled")
    assert admin_cli.json("payments", "list", f"#{second['number']}")[0]["id"] == paid["id"]


def test_product_by_sku_or_prefix(admin_cli: Cli, product: Any) -> None:
    assert admin_cli.json("products", "get", product.sku)["id"] == str(product.id)
    assert admin_cli.json("products", "get", str(product.id)[:18])["id"] == str(product.id)
    stock = admin_cli.json("products", "inventory", "show", product.sku)
    assert stock["on_hand"] == 50
    missing = admin_cli.run("products", "get", "NO-SUCH-SKU-1")
    assert missing.exit_code == 5, missing.stderr
    unknown_item = admin_cli.run("orders", "create", "--item", "NO-SUCH-SKU-1:2")
    assert unknown_item.exit_code == 5, unknown_item.stderr


def test_an_ambiguous_prefix_lists_the_matches(admin_cli: Cli, product: Any) -> None:
    # UUIDv7 ids of orders placed within about a minute share their first 8 characters;
    # place until two do (two in a row cannot both straddle a 65-second boundary).
    ids: list[str] = []
    for _ in range(3):
        ids.append(admin_cli.json("orders", "create", "--item", product.sku)["id"])
        shared = [i for i in ids[:-1] if i[:8] == ids[-1][:8]]
        if shared:
            break
    prefix = ids[-1][:8]
    result = admin_cli.run("orders", "get", prefix)
    assert result.exit_code == 2, result.stdout
    assert f"'{prefix}' matches more than one order; give more of the id:" in result.stderr
    assert ids[-1] in result.stderr and shared[0] in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["users", "get", "nope"],
        ["webhooks", "get", "nope"],
        ["webhooks", "redeliver", str(uuid.uuid4()), "nope"],
        ["notifications", "get", "nope"],
        ["events", "get", "nope"],
        ["events", "list", "--resource", "nope"],
        ["audit", "get", "nope"],
        ["api-keys", "revoke", "nope", "--yes"],
        ["auth", "sessions", "revoke", "nope", "--yes"],
        ["orders", "list", "--user-id", "nope"],
    ],
)
def test_a_malformed_id_is_exit_2_everywhere(cli: Cli, args: list[str]) -> None:
    # Checked while parsing: no sign-in needed, nothing sent.
    result = cli.run(*args)
    assert result.exit_code == 2, (args, result.stdout)
    assert ID_RULE in flat(result.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["orders", "get", "12ab!"], "is not an order: give its number (#1001)"),
        (["orders", "cancel", "#x", "--yes"], "is not an order"),
        (["orders", "get", "#0"], "is not an order"),
        (["payments", "list", "abc"], "is not an order"),
        (["payments", "refund", "nope", "--yes"], "is not a payment: give its reference"),
        (["payments", "credit-note", "#1001-P1", "#1001-P2"], "is not a refund"),
        (["products", "get", "bad sku"], "is not a product: give its SKU"),
        (["products", "delete", "a/b", "--yes"], "is not a product"),
        (["orders", "create", "--item", "bad sku:2"], "is not a product"),
    ],
)
def test_malformed_references_are_exit_2(cli: Cli, args: list[str], message: str) -> None:
    result = cli.run(*args)
    assert result.exit_code == 2, (args, result.stdout)
    assert message in flat(result.stderr)


def test_the_cli_user_agent(admin_cli: Cli) -> None:
    from platform_cli import __version__

    sessions = admin_cli.json("auth", "sessions", "list")
    current = next(s for s in sessions if s["current"])
    assert current["user_agent"].split()[0] == f"platform-cli/{__version__}"
    assert os.environ.get("PLATFORM_API_KEY") is None
