"""The dashboard against the real test server, driven with Textual's Pilot (headless)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.widgets import Input

from platform_cli.tui.app import Options
from platform_cli.tui.dialogs import ConfirmDialog, HelpEntries, HelpScreen
from platform_cli.tui.filters import FilterError
from platform_cli.tui.screens.events import EventsView
from platform_cli.tui.screens.orders import OrdersView
from platform_cli.tui.screens.products import ProductsView
from platform_cli.tui.screens.stats import StatsView
from platform_cli.tui.screens.users import UsersView
from platform_cli.tui.widgets.chrome import ConnectionBanner
from platform_cli.tui.widgets.prompt import PromptInput
from platform_sdk import AsyncClient
from tests.conftest import Account
from tests.server.commerce.conftest import Shop, new_category
from tests.servers import LiveServer, isolated_server
from tests.tui.conftest import RecordingApp, wait_until

pytestmark = pytest.mark.anyio

SIZE = (140, 40)


def loaded(app: RecordingApp, view: type[Any]) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, view) and bool(app.screen.loaded)


def pending_order(shop: Shop, buyer: Account) -> dict[str, Any]:
    product = shop.product()
    return shop.order(buyer, (product["id"], 1))


async def type_text(pilot: Any, text: str, *, paste: bool = False) -> None:
    """Type keys one by one, or paste (long text: an email, a note) into the focused input."""
    focused = pilot.app.focused
    if paste and isinstance(focused, Input):
        focused.insert_text_at_cursor(text)
        await pilot.pause()
    else:
        await pilot.press(*text)


async def test_switch_views_filter_open_and_cancel_an_order(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account, admin_client: AsyncClient
) -> None:
    order = pending_order(shop, customer)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, loaded(app, StatsView))

        await pilot.press("colon")
        await type_text(pilot, "orders")
        await pilot.press("enter")
        await wait_until(pilot, loaded(app, OrdersView))

        # Filter on the server: the buyer's email is unique to this test.
        await pilot.press("slash")
        await type_text(pilot, f"pending {customer.email}", paste=True)
        await pilot.press("enter")
        view = app.screen
        assert isinstance(view, OrdersView)
        await wait_until(pilot, lambda: [r.key for r in view.table.rows] == [order["id"]])
        assert view.filter.params == {"q": customer.email, "status": "pending"}

        # The detail pane: items, payments, history and events of the order.
        await wait_until(pilot, lambda: view.detail_key == order["id"])
        await pilot.press("enter")  # full screen
        assert view.maximized is view.detail_pane
        await pilot.press("escape")
        assert view.maximized is None

        # Cancel, after a dialog naming exactly what happens and the CLI equivalent.
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.plan.title == f"Cancel order #{order['number']}"
        await type_text(pilot, "dented box", paste=True)
        assert dialog.plan.command({"note": "dented box"}) == (
            f"platform orders cancel {order['id']} --note 'dented box' --yes"
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.said(f"Order #{order['number']} is now cancelled"))
        # No longer pending: it leaves the "pending" list at once, not at the next refresh.
        await wait_until(pilot, lambda: view.table.row_count == 0)

    after = await admin_client.orders.get(order["id"])
    assert after.status == "cancelled"
    history = await admin_client.orders.history(order["id"])
    assert history.data[0].note == "dented box"


async def test_a_cancelled_dialog_changes_nothing(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account, admin_client: AsyncClient
) -> None:
    order = pending_order(shop, customer)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("orders", f"q:{customer.email}")
        await wait_until(pilot, loaded(app, OrdersView))
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.said("nothing was changed"))
    assert (await admin_client.orders.get(order["id"])).status == "pending"


async def test_server_errors_are_notifications_not_crashes(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account
) -> None:
    pending_order(shop, customer)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("orders", f"q:{customer.email}")
        await wait_until(pilot, loaded(app, OrdersView))
        await pilot.press("f")  # fulfil a pending order: the server refuses (409)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: any(level == "error" for _, level in app.messages))
        assert isinstance(app.screen, OrdersView)  # still running, same view
        error = next(message for message, level in app.messages if level == "error")
        assert "pending" in error.lower() or "paid" in error.lower(), error


async def test_read_only_hides_and_refuses_actions(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account, admin_client: AsyncClient
) -> None:
    order = pending_order(shop, customer)
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("orders", f"q:{customer.email}")
        await wait_until(pilot, loaded(app, OrdersView))
        view = app.screen
        assert isinstance(view, OrdersView)
        assert view.check_action("cancel", ()) is False  # hidden from the footer
        assert view.check_action("customer", ()) is True  # looking around still works
        await pilot.press("x")
        await wait_until(pilot, lambda: app.said("Read-only", "warning"))
        assert not isinstance(app.screen, ConfirmDialog)
        app.messages.clear()
        view.action_cancel()  # as a script (or a stale palette entry) would
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmDialog)
        assert app.said("Read-only", "warning")
        assert "READ-ONLY" in str(view.query_one("#status").render())
    assert (await admin_client.orders.get(order["id"])).status == "pending"


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_banner_when_the_server_is_away_and_reconnects_by_itself(
    make_app: Callable[..., RecordingApp], admin_client: AsyncClient, server_url: str
) -> None:
    client = admin_client.with_options()
    client.base_url = f"http://127.0.0.1:{dead_port()}"  # nothing listens there
    app = make_app(client, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        banner = app.screen.query_one(ConnectionBanner)
        await wait_until(pilot, lambda: banner.has_class("-offline"))
        assert app.offline
        assert not app.screen.loaded

        client.base_url = server_url  # the server is back
        await wait_until(pilot, lambda: not banner.has_class("-offline"), seconds=15)
        await wait_until(pilot, loaded(app, StatsView), seconds=15)
        assert app.said("Connected to the server again")


async def test_jump_from_an_order_to_its_customer_and_their_orders(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account
) -> None:
    order = pending_order(shop, customer)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("orders", f"q:{order['id']}")
        await wait_until(pilot, loaded(app, OrdersView))
        await pilot.press("u")
        await wait_until(pilot, loaded(app, UsersView))
        users = app.screen
        assert isinstance(users, UsersView)
        assert users.table.current is not None
        assert users.table.current.key == customer.id
        await pilot.press("o")
        await wait_until(pilot, loaded(app, OrdersView))
        orders = app.screen
        assert isinstance(orders, OrdersView)
        assert orders.filter.params == {"user_id": customer.id}
        assert [r.key for r in orders.table.rows] == [order["id"]]
        await pilot.press("escape")  # back to the customer
        await wait_until(pilot, lambda: app.screen is users)


async def test_pages_load_on_demand_as_the_cursor_moves(
    make_app: Callable[..., RecordingApp], admin_client: AsyncClient
) -> None:
    category = new_category("tui")
    items = [
        {
            "sku": f"TUI-{uuid.uuid4().hex[:10]}",
            "name": f"Paged {i}",
            "price": "1.00",
            "category": category,
            "stock": 1,
        }
        for i in range(130)
    ]
    batch = await admin_client.products.batch(items=items, create_categories=True)
    assert batch.created == 130
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("products", f"category:{category}")
        await wait_until(pilot, loaded(app, ProductsView))
        view = app.screen
        assert isinstance(view, ProductsView)
        assert view.table.row_count == 100  # one page, not the whole table
        assert view.next_cursor is not None
        await pilot.press("end")  # near the end of what is loaded: the next page comes
        await wait_until(pilot, lambda: view.table.row_count == 130)
        assert view.next_cursor is None


async def test_products_sort_on_the_server(
    make_app: Callable[..., RecordingApp], shop: Shop
) -> None:
    category = new_category("sort")
    for price in ("5.00", "1.00", "3.00"):
        shop.product(category=category, price=price)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("products", f"category:{category}")
        await wait_until(pilot, loaded(app, ProductsView))
        view = app.screen
        assert isinstance(view, ProductsView)
        view.set_sort("price", False)
        await wait_until(pilot, lambda: view.server_sort == "price" and not view._loading)
        await wait_until(
            pilot,
            lambda: [str(r.values["price"]) for r in view.table.rows] == ["1.00", "3.00", "5.00"],
        )
        view.set_sort("price", True)
        await wait_until(
            pilot,
            lambda: [str(r.values["price"]) for r in view.table.rows] == ["5.00", "3.00", "1.00"],
        )


def has_event_of(view: EventsView, resource_id: str) -> bool:
    return any(row.values["resource_id"] == resource_id for row in view.table.rows)


async def test_events_tail_live_and_pause(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account
) -> None:
    app = make_app(live_events=True)
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("events", "order.created")
        await wait_until(pilot, loaded(app, EventsView))
        view = app.screen
        assert isinstance(view, EventsView)
        await pilot.pause(0.5)  # let the stream connect

        first = pending_order(shop, customer)
        await wait_until(pilot, lambda: has_event_of(view, first["id"]))
        assert view.table.rows[0].values["resource_id"] == first["id"]  # newest on top

        await pilot.press("space")  # pause the tail
        second = pending_order(shop, customer)
        await wait_until(pilot, lambda: len(view.buffered) == 1)
        assert not has_event_of(view, second["id"])
        await pilot.press("space")
        await wait_until(pilot, lambda: has_event_of(view, second["id"]))


async def test_command_line_completes_and_help_lists_bindings(
    make_app: Callable[..., RecordingApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, loaded(app, StatsView))
        await pilot.press("colon")
        await type_text(pilot, "pro")
        await pilot.press("tab")
        prompt = app.screen.query_one(PromptInput)
        assert prompt.value == "products"
        await type_text(pilot, " sta")
        await pilot.press("tab")
        assert prompt.value == "products status:"
        await type_text(pilot, "arch")
        await pilot.press("tab", "enter")
        await wait_until(pilot, loaded(app, ProductsView))
        assert app.screen.filter.params == {"status": "archived"}

        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = " ".join(section.plain for section in app.screen.query(HelpEntries))
        for expected in ("Adjust stock", "Archive", ":orders", "status:VALUE", "Refresh"):
            assert expected in text, expected
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ProductsView))

        await pilot.press("colon")
        await type_text(pilot, "nonsense")
        await pilot.press("enter")
        assert app.said("Unknown command :nonsense", "warning")


async def test_command_palette_lists_views_and_actions(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account
) -> None:
    pending_order(shop, customer)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("orders", f"q:{customer.email}")
        await wait_until(pilot, loaded(app, OrdersView))
        await pilot.press("ctrl+p")
        await type_text(pilot, "Go to Audit")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "AuditView")


@pytest.fixture
def hook_server(tmp_path: Any) -> Iterator[LiveServer]:
    """A server of its own that may send to loopback (a dead port: deliveries fail)."""
    with isolated_server(
        tmp_path, webhooks_allow_private=True, webhook_retry_seconds=[0.1]
    ) as live:
        yield live


async def test_webhook_deliveries_and_redeliver(
    hook_server: LiveServer, admin_credentials: tuple[str, str]
) -> None:
    from platform_cli.tui.screens.webhooks import WebhooksView

    async with AsyncClient(hook_server.url) as client:
        await client.auth.login(email=admin_credentials[0], password=admin_credentials[1])
        endpoint = await client.webhooks.create(
            url=f"http://127.0.0.1:{dead_port()}/hook", events=["order.created"]
        )
        ping = await client.webhooks.test(endpoint.id)

        async def settled() -> Any:
            return await client.webhooks.deliveries.get(endpoint.id, ping.id)

        app = RecordingApp(client, Options(refresh=30.0))
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, loaded(app, StatsView))
            app.open_view("webhooks")
            await wait_until(pilot, loaded(app, WebhooksView))
            view = app.screen
            assert isinstance(view, WebhooksView)
            await wait_until(pilot, lambda: view.deliveries.row_count == 1)
            assert view.deliveries.rows[0].key == str(ping.id)
            await wait_until(pilot, lambda: view.detail_key == str(endpoint.id))
            before = (await settled()).attempts
            view.deliveries.focus()
            await pilot.press("R")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            dialog = app.screen
            assert isinstance(dialog, ConfirmDialog)
            assert dialog.plan.command({}) == (
                f"platform webhooks redeliver {endpoint.id} {ping.id}"
            )
            await pilot.press("y")
            await wait_until(pilot, lambda: app.said("Delivery"))
        after = await settled()
        assert after.attempts > before or after.status == "pending"


async def test_product_detail_lists_its_images(
    make_app: Callable[..., RecordingApp], admin_client: AsyncClient, tmp_path: Any
) -> None:
    import io

    from rich.console import Console

    from tests.images import picture

    category = new_category()
    product = await admin_client.products.create(
        sku=f"TUI-{uuid.uuid4().hex[:8]}", name="Pictured", price="4.00", category=category
    )
    await admin_client.products.images.add(
        product.id, io.BytesIO(picture("JPEG", (640, 480))), filename="front.jpg"
    )
    await admin_client.products.images.add(
        product.id, io.BytesIO(picture("PNG", (120, 80))), filename="side.png"
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("products", f"category:{category}")
        await wait_until(pilot, loaded(app, ProductsView))
        view = app.screen
        assert isinstance(view, ProductsView)
        pane = await view.detail(view.table.rows[0])
    console = Console(record=True, width=120, file=io.StringIO())
    console.print(pane)
    text = console.export_text()
    assert "Images (2)" in text or "Images" in text
    assert "★ front.jpg" in text and "640 x 480" in text and "JPEG" in text
    assert "side.png" in text and "120 x 80" in text and "PNG" in text
    assert " KB" in text or " B" in text


async def test_order_detail_says_whether_the_invoice_is_issued(
    make_app: Callable[..., RecordingApp], shop: Shop, customer: Account
) -> None:
    import io

    from rich.console import Console

    paid, _ = shop.paid_order(customer, (shop.product()["id"], 1))
    unpaid = pending_order(shop, customer)
    number = shop.api.get(
        f"/api/v1/orders/{paid['id']}/invoice",
        headers={**shop.headers, "Accept": "application/json"},
    ).json()["number"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("orders", customer.email)
        await wait_until(pilot, loaded(app, OrdersView))
        view = app.screen
        assert isinstance(view, OrdersView)
        await wait_until(pilot, lambda: len(view.table.rows) == 2)
        panes = {row.key: await view.detail(row) for row in view.table.rows}
    texts = {}
    for key, pane in panes.items():
        console = Console(record=True, width=120, file=io.StringIO())
        console.print(pane)
        texts[key] = console.export_text()
    assert f"Invoice   {number}, issued" in texts[paid["id"]]
    assert "Invoice   not issued" in texts[unpaid["id"]]


def test_orders_filter_by_number() -> None:
    assert OrdersView.FILTERS.parse("number:#1001").params == {"number": 1001}
    assert OrdersView.FILTERS.parse("number:1002 paid").params == {"number": 1002, "status": "paid"}
    with pytest.raises(FilterError, match="is not an order number"):
        OrdersView.FILTERS.parse("number:#x")
