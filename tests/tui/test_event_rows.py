"""The events table of the dashboard: who did it in full, and a summary that does not
repeat them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from platform_cli.tui.screens.events import event_summary
from platform_cli.tui.widgets.rows import Column, Row
from platform_cli.tui.widgets.table import ResourceTable

BUYER = "a.very.long.buyer.name@customers.example.com"


def event(kind: str, data: dict[str, Any], actor: str | None) -> Any:
    return SimpleNamespace(
        type=f"{kind}.created",
        resource_type=kind,
        data=data,
        actor=SimpleNamespace(email=actor) if actor else None,
    )


def test_summary_leaves_out_the_actor() -> None:
    order = {"user_email": BUYER, "total": "44.98", "currency": "EUR", "status": "pending"}
    own = event_summary(event("order", order, BUYER))
    assert BUYER not in own and "44.98" in own and "pending" in own
    by_staff = event_summary(event("order", order, "staff@shop.example"))
    assert by_staff.startswith(BUYER)  # someone else placed it: the buyer is news
    signed_up = event_summary(event("user", {"email": BUYER, "role": "customer"}, BUYER))
    assert BUYER not in signed_up and "customer" in signed_up
    made = event_summary(event("user", {"email": BUYER, "role": "customer"}, None))
    assert BUYER in made


def test_a_fit_column_is_as_wide_as_its_longest_value() -> None:
    table = ResourceTable(
        [Column("actor", "BY", 60, min_width=6, fit=True), Column("summary", "SUMMARY", 0)]
    )
    assert table._layout(120)[0] == 6
    table.rows = []
    table._measure([Row("1", {"actor": BUYER}), Row("2", {"actor": "system"})])
    widths = table._layout(120)
    assert widths[0] == len(BUYER) and widths[1] == 120 - len(BUYER) - 3


def test_a_refund_is_summarised_by_its_reference() -> None:
    refund = {"reference": "#1001-R1", "amount": "12.00", "currency": "USD", "reason": None}
    shown = event_summary(
        SimpleNamespace(type="payment.refunded", resource_type="refund", data=refund, actor=None)
    )
    assert shown.startswith("#1001-R1") and "12.00 USD" in shown and "None" not in shown
