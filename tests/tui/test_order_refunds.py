"""The order detail lists the refunds (a cancel's included) by their references, with
their credit notes; payments by their references, not bare ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from platform_cli.tui.screens.orders import OrdersView
from platform_sdk import AsyncClient
from tests.conftest import Account
from tests.server.commerce.conftest import Shop
from tests.tui.conftest import RecordingApp, wait_until
from tests.tui.test_new_views import SIZE, loaded, plain

pytestmark = pytest.mark.anyio


async def orders_of(app: RecordingApp, pilot: Any, customer: Account, order_id: str) -> OrdersView:
    """The Orders view filtered on the customer, once it shows this order."""
    app.open_view("orders", f"q:{customer.email}")
    await wait_until(pilot, loaded(app, OrdersView))
    view = app.screen
    assert isinstance(view, OrdersView)
    await wait_until(pilot, lambda: view.table.get(order_id) is not None)
    return view


async def test_a_cancelled_orders_refund_and_credit_note(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account, admin_client: AsyncClient
) -> None:
    order, payment = shop.paid_order(customer, (shop.product(price="6.00")["id"], 1))
    await admin_client.orders.cancel(order["id"])
    # The async SDK's list: awaited, its first page (the cancel's one refund).
    [refund] = (await admin_client.payments.refunds.list(payment["id"])).data
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await orders_of(app, pilot, customer, order["id"])
        row = view.table.get(order["id"])
        assert row is not None
        text = plain(await view.detail(row))
    number = order["number"]
    payment_line = next(line for line in text.splitlines() if f"#{number}-P1" in line)
    assert payment["id"][:13] not in payment_line
    assert "Refunds (1)" in text
    refund_line = next(line for line in text.splitlines() if f"#{number}-R1" in line)
    assert (
        refund.credit_note_number
        and refund.credit_note_number in refund_line
        and "6.00 USD" in refund_line
    )
    assert "order cancelled" in refund_line


async def test_the_refund_dialog_names_the_payment_by_its_reference(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account
) -> None:
    from platform_cli.tui.dialogs import ConfirmDialog

    order, _ = shop.paid_order(customer, (shop.product(price="8.00")["id"], 1))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await orders_of(app, pilot, customer, order["id"])
        assert view.table.select_key(order["id"])
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        command = dialog.plan.command({"amount": "2.00"})
    assert command == f"platform payments refund '#{order['number']}-P1' --amount 2.00 --yes"
