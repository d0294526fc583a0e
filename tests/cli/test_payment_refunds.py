"""`platform payments refunds PAYMENT` (a cancellation's refund and its credit note), and
option values shown by their shape in `--help`."""

from __future__ import annotations

import uuid
from typing import Any

from platform_sdk import Client
from tests.cli.conftest import Cli


def test_refunds_of_a_cancelled_order(admin_cli: Cli, sdk: Client) -> None:
    tag = uuid.uuid4().hex[:10]
    product = sdk.products.create(
        sku=f"RF{tag}", name="Refunded thing", price="7.50", category=f"rf-{tag}", stock=5
    )
    order = sdk.orders.create(items=[{"product_id": product.id, "quantity": 2}])
    payment = sdk.orders.payments.create(order.id, payment_method="pm_card_ok")
    assert admin_cli.json("payments", "refunds", str(payment.id)) == []
    admin_cli.ok("orders", "cancel", str(order.id), "--yes")

    listed: list[dict[str, Any]] = admin_cli.json("payments", "refunds", str(payment.id))
    [made] = listed
    assert made["reference"] == f"#{order.number}-R1" and made["id"]  # the UUID stays in JSON
    assert (made["amount"], made["currency"], made["reason"]) == ("15.00", "USD", "order cancelled")
    assert made["credit_note_number"].startswith("CN-")
    lines = admin_cli.ok("payments", "refunds", str(payment.id)).stdout.splitlines()
    assert lines[0].split("\t") == [
        "REFUND",
        "ID",
        "AMOUNT",
        "CURRENCY",
        "REASON",
        "CREDIT NOTE",
        "CREATED",
    ]
    assert lines[1].split("\t")[:6] == [
        f"#{order.number}-R1",
        made["id"],
        "15.00",
        "USD",
        "order cancelled",
        made["credit_note_number"],
    ]
    # The id found there fetches the credit note.
    note = admin_cli.json("payments", "credit-note", str(payment.id), made["id"])
    assert note["number"] == made["credit_note_number"]

    # What people quote works wherever an id does: #1001-P1, #1001-R1.
    paid, refunded = f"#{order.number}-P1", f"#{order.number}-R1"
    assert admin_cli.json("payments", "get", paid)["id"] == str(payment.id)
    assert admin_cli.json("payments", "get", f"{order.number}-p1")["id"] == str(payment.id)
    assert [r["id"] for r in admin_cli.json("payments", "refunds", paid)] == [made["id"]]
    by_reference = admin_cli.json("payments", "credit-note", paid, refunded)
    assert by_reference["number"] == made["credit_note_number"]
    unknown = admin_cli.run("payments", "get", f"#{order.number}-P9")
    assert unknown.exit_code == 5 and f"No payment matches '#{order.number}-P9'" in unknown.stderr
    no_refund = admin_cli.run("payments", "credit-note", paid, f"#{order.number}-R7")
    assert no_refund.exit_code == 5 and f"has no refund '#{order.number}-R7'" in no_refund.stderr


def test_refunds_bad_input(admin_cli: Cli) -> None:
    malformed = admin_cli.run("payments", "refunds", "not-an-id")
    assert malformed.exit_code == 2 and "not-an-id" in malformed.stderr
    wrong_kind = admin_cli.run("payments", "get", "#1001-R1")
    assert wrong_kind.exit_code == 2 and "is not a payment: give its reference" in wrong_kind.stderr
    missing = admin_cli.run("payments", "refunds", str(uuid.uuid4()))
    assert missing.exit_code == 5 and "(404, request " in missing.stderr


def test_option_values_show_their_shape_in_help(cli: Cli) -> None:
    create = cli.ok("orders", "create", "--help").stdout
    assert "SKU:QTY" in create and "<list[str]>" not in create and "<str>" not in create
    listing = cli.ok("orders", "list", "--help").stdout
    assert "ID" in listing and "DATE" in listing and "<str>" not in listing
    refund = cli.ok("payments", "refund", "--help").stdout
    assert "AMOUNT" in refund and "<Decimal>" not in refund
