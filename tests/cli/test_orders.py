from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from platform_cli import terminal
from platform_sdk import Client
from tests.cli.conftest import Cli

ORDER_HEADER = ["NUMBER", "ID", "EMAIL", "STATUS", "TOTAL", "CURRENCY", "CREATED"]
ADDRESS = [
    "--ship-to-name",
    "Ada Lovelace",
    "--ship-to-line1",
    "1 Main St",
    "--ship-to-city",
    "Oslo",
    "--ship-to-postal-code",
    "0150",
    "--ship-to-country",
    "NO",
]


def tag() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture
def products(sdk: Client) -> list[Any]:
    t = tag()
    return [
        sdk.products.create(
            sku=f"O{t}-{i}", name=f"Item {i}", price=price, category=f"ord-{t}", stock=10
        )
        for i, price in enumerate(["19.99", "5.00"])
    ]


def place(admin_cli: Cli, products: list[Any], *extra: str) -> dict[str, Any]:
    data: dict[str, Any] = admin_cli.json(
        "orders", "create", "--item", f"{products[0].id}:2", "--item", str(products[1].id), *extra
    )
    return data


def test_create_get_list(admin_cli: Cli, sdk: Client, products: list[Any]) -> None:
    order = place(admin_cli, products, *ADDRESS)
    assert order["status"] == "pending" and order["total"] == "44.98"
    assert [(i["sku"], i["quantity"]) for i in order["items"]] == [
        (products[0].sku, 2),
        (products[1].sku, 1),
    ]
    assert order["shipping_address"]["city"] == "Oslo"
    assert sdk.products.inventory.get(products[0].id).reserved == 2

    table = admin_cli.ok("orders", "get", order["id"]).stdout
    assert f"id\t{order['id']}" in table and "status\tpending" in table
    assert admin_cli.json("orders", "get", order["id"]) == order

    found = admin_cli.json("orders", "list", "-q", order["id"])
    assert [o["id"] for o in found] == [order["id"]]
    lines = admin_cli.ok("orders", "list", "-q", order["id"]).stdout.splitlines()
    assert lines[0].split("\t") == ORDER_HEADER
    assert lines[1].split("\t")[:5] == [
        f"#{order['number']}",
        order["id"],
        order["user_email"],
        "pending",
        "44.98",
    ]
    pending = admin_cli.json(
        "orders",
        "list",
        "--status",
        "pending",
        "--user-id",
        order["user_id"],
        "--created-after",
        "2000-01-01",
        "--all",
    )
    assert order["id"] in {o["id"] for o in pending}
    assert {o["status"] for o in pending} == {"pending"}
    assert (
        admin_cli.json("orders", "list", "-q", order["id"], "--created-before", "2000-01-01") == []
    )
    assert admin_cli.run("orders", "list", "--status", "lost").exit_code == 2

    by_json = admin_cli.json(
        "orders",
        "create",
        "--item",
        f"{products[1].id}:1",
        "--shipping-address-json",
        json.dumps(
            {
                "name": "B",
                "line1": "2 Side St",
                "city": "Bergen",
                "postal_code": "5003",
                "country": "NO",
            }
        ),
    )
    assert by_json["shipping_address"]["city"] == "Bergen"


def test_create_errors_and_dry_run(admin_cli: Cli, sdk: Client, products: list[Any]) -> None:
    first = str(products[0].id)
    assert admin_cli.run("orders", "create", "--item", "SKU 1:2").exit_code == 2
    assert admin_cli.run("orders", "create", "--item", "NO-SUCH-SKU:2").exit_code == 5
    assert admin_cli.run("orders", "create", "--item", f"{first}:0").exit_code == 2
    assert admin_cli.run("orders", "create", "--item", f"{first}:x").exit_code == 2
    assert admin_cli.run("orders", "create").exit_code == 2
    both = admin_cli.run(
        "orders", "create", "--item", first, "--ship-to-name", "A", "--shipping-address-json", "{}"
    )
    assert both.exit_code == 2
    # unknown product: the server's 422 names it
    missing = admin_cli.run("orders", "create", "--item", f"{uuid.uuid4()}:1")
    assert missing.exit_code == 1 and "(422, request " in missing.stderr
    # short stock: 409
    short = admin_cli.run("orders", "create", "--item", f"{first}:11")
    assert short.exit_code == 1 and "(409, request " in short.stderr

    dry = admin_cli.json("orders", "create", "--item", f"{first}:3", *ADDRESS, "--dry-run")
    assert dry["dry_run"] is True
    assert dry["request"]["total"] == "59.97"
    assert dry["request"]["items"][0]["sku"] == products[0].sku
    text = admin_cli.ok("orders", "create", "--item", f"{first}:3", "--dry-run").stdout
    assert text.startswith("Dry run: would place an order. Nothing was changed.")
    bad = admin_cli.run(
        "orders", "create", "--item", f"{first}:11", "--ship-to-name", "A", "--dry-run"
    )
    assert bad.exit_code == 1
    assert "  - body.shipping_address.city: required" in bad.stderr
    assert "  - body.items.0.quantity: only 10 available" in bad.stderr
    gone = admin_cli.run("orders", "create", "--item", f"{uuid.uuid4()}:1", "--dry-run")
    assert gone.exit_code == 5
    inventory = sdk.products.inventory.get(products[0].id)
    assert inventory.reserved == 0  # nothing was ordered


def test_order_lifecycle_with_payments_invoice_and_refund(
    admin_cli: Cli, sdk: Client, products: list[Any], tmp_path: Path
) -> None:
    order = place(admin_cli, products, *ADDRESS)
    oid = order["id"]

    # an unpaid order has no invoice: 409, exit 1
    unpaid = admin_cli.run("orders", "invoice", oid)
    assert unpaid.exit_code == 1 and "(409, request " in unpaid.stderr

    declined = admin_cli.run("payments", "pay", oid, "--method", "pm_card_declined")
    assert declined.exit_code == 1
    assert declined.stderr.count("\n") == 1, declined.stderr
    assert declined.stderr.startswith("Error: payment declined (card_declined)")
    assert f"order {oid} is still pending" in declined.stderr
    assert declined.stdout == ""
    funds = admin_cli.run("payments", "pay", oid, "--method", "pm_card_insufficient_funds")
    assert funds.exit_code == 1 and "(insufficient_funds)" in funds.stderr
    card = admin_cli.run("payments", "pay", oid, "--method", "4242 4242 4242 4242")
    assert card.exit_code == 1 and "card numbers are never accepted" in card.stderr
    assert sdk.orders.get(oid).status == "pending"

    dry = admin_cli.json("payments", "pay", oid, "--method", "pm_card_ok", "--dry-run")
    assert dry["request"]["amount"] == "44.98"
    assert sdk.orders.get(oid).status == "pending"

    payment = admin_cli.json("payments", "pay", oid, "--method", "pm_card_ok")
    assert payment["status"] == "succeeded" and payment["amount"] == "44.98"
    assert sdk.orders.get(oid).status == "paid"
    again = admin_cli.run("payments", "pay", oid, "--method", "pm_card_ok")
    assert again.exit_code == 1 and "(409, request " in again.stderr
    assert admin_cli.run("payments", "pay", oid, "-m", "pm_card_ok", "--dry-run").exit_code == 1

    attempts = admin_cli.json("payments", "list", oid)
    assert sorted(p["status"] for p in attempts) == ["failed", "failed", "succeeded"]
    assert {p["failure_code"] for p in attempts} == {None, "card_declined", "insufficient_funds"}
    lines = admin_cli.ok("payments", "list", oid).stdout.splitlines()
    assert lines[0].split("\t")[:4] == ["PAYMENT", "ID", "STATUS", "AMOUNT"] and len(lines) == 4
    # Each attempt by its reference: the order's number, P, the attempt's count.
    number = sdk.orders.get(oid).number
    assert sorted(line.split("\t")[0] for line in lines[1:]) == [
        f"#{number}-P{n}" for n in (1, 2, 3)
    ]

    # the invoice: fields, JSON, PDF
    invoice = admin_cli.json("orders", "invoice", oid)
    assert invoice["order_id"] == oid and invoice["total"] == "44.98"
    assert invoice["number"].startswith("INV-") and invoice["payment_status"] == "paid"
    table = admin_cli.ok("orders", "invoice", oid).stdout
    assert f"number\t{invoice['number']}" in table
    pdf = tmp_path / "invoice.pdf"
    written = admin_cli.ok("orders", "invoice", oid, "--out", str(pdf)).stdout
    assert written.startswith(f"Wrote the invoice of order {oid} to {pdf} (")
    assert pdf.read_bytes().startswith(b"%PDF")
    as_json = admin_cli.json("orders", "invoice", oid, "--out", str(tmp_path / "b.pdf"))
    assert as_json == {
        "order_id": oid,
        "path": str(tmp_path / "b.pdf"),
        "bytes": pdf.stat().st_size,
    }

    # staff move it on, with dry runs first
    assert admin_cli.json("orders", "fulfill", oid, "--dry-run")["changes"] == {
        "status": {"from": "paid", "to": "fulfilled"}
    }
    assert sdk.orders.get(oid).status == "paid"
    assert admin_cli.json("orders", "fulfill", oid)["status"] == "fulfilled"
    assert sdk.products.inventory.get(products[0].id).on_hand == 8
    assert admin_cli.run("orders", "ship", oid).exit_code == 2  # --carrier is required
    ship_dry = admin_cli.ok(
        "orders", "ship", oid, "--carrier", "DHL", "--tracking-number", "TR1", "--dry-run"
    ).stdout
    assert "  + status: shipped" in ship_dry and "  + carrier: DHL" in ship_dry
    shipped = admin_cli.ok("orders", "ship", oid, "--carrier", "DHL", "--tracking-number", "TR1")
    assert "status\tshipped" in shipped.stdout and "tracking_number\tTR1" in shipped.stdout
    # a transition out of order: 409, exit 1
    wrong = admin_cli.run("orders", "fulfill", oid)
    assert wrong.exit_code == 1 and "(409, request " in wrong.stderr
    assert admin_cli.json("orders", "deliver", oid)["status"] == "delivered"

    history = admin_cli.json("orders", "history", oid)
    assert [h["to_status"] for h in history] == [
        "delivered",
        "shipped",
        "fulfilled",
        "paid",
        "pending",
    ]
    lines = admin_cli.ok("orders", "history", oid, "--limit", "2").stdout.splitlines()
    assert lines[0].split("\t") == ["FROM", "TO", "BY", "NOTE", "WHEN"] and len(lines) == 3
    assert lines[1].split("\t")[:3] == ["shipped", "delivered", history[0]["actor_email"]]
    assert history[0]["actor_email"] == order["user_email"]  # the admin, by email

    # refunds: confirmation, dry run, partial, then the rest
    pid = payment["id"]
    refused = admin_cli.run("payments", "refund", pid, "--amount", "5.00")
    assert refused.exit_code == 2 and "pass --yes" in refused.stderr
    # named by its reference, with its currency
    assert f"refund 5.00 {payment['currency']} of payment {payment['reference']}" in refused.stderr
    dry_refund = admin_cli.json("payments", "refund", pid, "--amount", "5.00", "--dry-run")
    assert dry_refund["request"] == {
        "payment_id": pid,
        "amount": "5.00",
        "currency": payment["currency"],
        "reason": None,
    }
    assert admin_cli.json("payments", "get", pid)["amount"] == "44.98"
    assert admin_cli.run("payments", "refund", pid, "--amount", "five", "--yes").exit_code == 2
    partial = admin_cli.json(
        "payments", "refund", pid, "--amount", "5.00", "--reason", "dented", "--yes"
    )
    assert partial["amount"] == "5.00" and partial["reason"] == "dented"
    note = admin_cli.json("payments", "credit-note", pid, partial["id"])
    assert note["number"].startswith("CN-") and note["invoice_number"] == invoice["number"]
    assert (note["amount"], note["currency"], note["reason"]) == ("5.00", "USD", "dented")
    assert (
        f"number\t{note['number']}"
        in admin_cli.ok("payments", "credit-note", pid, partial["id"]).stdout
    )
    note_pdf = tmp_path / "note.pdf"
    saved = admin_cli.json("payments", "credit-note", pid, partial["id"], "--out", str(note_pdf))
    assert saved["bytes"] == note_pdf.stat().st_size and note_pdf.read_bytes().startswith(b"%PDF")
    missing = admin_cli.run("payments", "credit-note", pid, str(uuid.uuid4()))
    assert missing.exit_code == 5 and "(404, request " in missing.stderr  # not found
    too_much = admin_cli.run("payments", "refund", pid, "--amount", "100", "--yes")
    assert too_much.exit_code == 1 and "(422, request " in too_much.stderr
    rest = admin_cli.ok("payments", "refund", pid, "--yes").stdout
    assert "amount\t39.98" in rest
    assert sdk.orders.get(oid).status == "refunded"
    # the invoice stays as issued; the refunds have credit notes
    assert admin_cli.json("orders", "invoice", oid)["amount_refunded"] == "0.00"
    again = tmp_path / "again.pdf"
    admin_cli.ok("orders", "invoice", oid, "--out", str(again))
    assert again.read_bytes() == pdf.read_bytes()
    refunded = {p["status"]: p["refunded_amount"] for p in admin_cli.json("payments", "list", oid)}
    assert Decimal(refunded["succeeded"]) == Decimal("44.98")
    # Nothing left: a sentence for a person, checked before anything is sent.
    again = admin_cli.run("payments", "refund", pid, "--yes")
    assert again.exit_code == 1 and "already refunded in full (44.98 " in again.stderr
    assert "(0, " not in again.stderr


def test_cancel_needs_confirmation(
    admin_cli: Cli, sdk: Client, products: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    order = place(admin_cli, products)
    oid = order["id"]
    refused = admin_cli.run("orders", "cancel", oid)
    assert refused.exit_code == 2 and "pass --yes" in refused.stderr
    dry = admin_cli.ok("orders", "cancel", oid, "--dry-run").stdout
    assert "  - status: pending" in dry and "  + status: cancelled" in dry
    assert sdk.orders.get(oid).status == "pending"

    with monkeypatch.context() as patch:
        patch.setattr(terminal, "stdin_is_tty", lambda: True)
        declined = admin_cli.run("orders", "cancel", oid, input="n\n")
        assert declined.exit_code == 1 and "aborted" in declined.stderr
        assert sdk.orders.get(oid).status == "pending"
        accepted = admin_cli.run("orders", "cancel", oid, "--note", "changed my mind", input="y\n")
        assert accepted.exit_code == 0, accepted.stderr
        assert f"Cancel order {oid}?" in accepted.stderr
    assert sdk.orders.get(oid).status == "cancelled"
    assert sdk.products.inventory.get(products[0].id).reserved == 0
    assert admin_cli.json("orders", "history", oid)[0]["note"] == "changed my mind"
    again = admin_cli.run("orders", "cancel", oid, "--yes")
    assert again.exit_code == 1 and "(409, request " in again.stderr


def test_missing_orders_and_payments_are_exit_5(admin_cli: Cli) -> None:
    missing = str(uuid.uuid4())
    for args in (
        ["orders", "get", missing],
        ["orders", "history", missing],
        ["orders", "cancel", missing, "--yes"],
        ["orders", "fulfill", missing],
        ["orders", "invoice", missing],
        ["payments", "pay", missing, "--method", "pm_card_ok"],
        ["payments", "list", missing],
        ["payments", "refund", missing, "--yes"],
    ):
        result = admin_cli.run(*args)
        assert result.exit_code == 5, (args, result.stdout, result.stderr)
        assert "(404, request " in result.stderr


def test_customers_see_only_their_orders(
    cli: Cli, make_user: Any, admin_cli: Cli, products: list[Any]
) -> None:
    staff_order = place(admin_cli, products)
    user = make_user()
    result = cli.run("logout")
    assert cli.login(user.email, user.password).exit_code == 0, result.stderr
    own = cli.json("orders", "create", "--item", f"{products[1].id}:1")
    assert [o["id"] for o in cli.json("orders", "list", "--all")] == [own["id"]]
    assert cli.run("orders", "get", staff_order["id"]).exit_code == 5
    assert cli.run("orders", "fulfill", own["id"]).exit_code == 1  # 403: staff only
    paid = cli.json("payments", "pay", own["id"], "--method", "pm_card_ok")
    assert paid["status"] == "succeeded"
    assert cli.json("payments", "get", paid["id"])["id"] == paid["id"]  # the buyer may read it
    refund = cli.run("payments", "refund", paid["id"], "--yes")
    assert refund.exit_code == 1 and "(403, request " in refund.stderr  # staff only
    assert cli.run("payments", "refund", str(uuid.uuid4()), "--yes").exit_code == 5


def test_invoice_download_shows_progress_on_a_terminal(
    admin_cli: Cli,
    sdk: Client,
    products: list[Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = place(admin_cli, products)
    sdk.orders.payments.create(order["id"], payment_method="pm_card_ok")
    monkeypatch.setattr(terminal, "stderr_is_tty", lambda: True)
    target = tmp_path / "invoice.pdf"
    result = admin_cli.run("orders", "invoice", order["id"], "--out", str(target))
    assert result.exit_code == 0, result.stderr
    assert "Downloading the invoice" in result.stderr
    assert target.read_bytes() == sdk.orders.invoice_pdf(order["id"])
