"""The API keys and categories views, the stock ledger's authors, and resetting a user's
second factor: driven with Textual's Pilot against the real test server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from rich.console import Console

from platform_cli.tui.dialogs import ConfirmDialog, SecretDialog
from platform_cli.tui.screens import resolve
from platform_cli.tui.screens.api_keys import SCOPES, ApiKeysView, read_only, scopes_of
from platform_cli.tui.screens.categories import CategoriesView
from platform_cli.tui.screens.products import ProductsView
from platform_cli.tui.screens.users import UsersView
from platform_sdk import AsyncClient, PermissionDeniedError
from platform_server.core.permissions import ROLE_PERMISSIONS
from tests.conftest import Account
from tests.server.commerce.conftest import Shop, new_category
from tests.server.mfa_helpers import enable_mfa
from tests.tui.conftest import RecordingApp, wait_until

pytestmark = pytest.mark.anyio

SIZE = (140, 40)


def loaded(app: RecordingApp, view: type[Any]) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, view) and bool(app.screen.loaded)


def plain(renderable: Any) -> str:
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def test_the_scope_list_matches_the_servers_roles() -> None:
    assert set(SCOPES) == {p.value for perms in ROLE_PERMISSIONS.values() for p in perms}
    for role, permissions in ROLE_PERMISSIONS.items():
        assert sorted(scopes_of(role.value)) == sorted(p.value for p in permissions), role
    assert read_only(scopes_of("staff")) == [
        "account:read",
        "users:read",
        "events:read",
        "stats:read",
    ]


def test_the_views_answer_to_the_cli_nouns() -> None:
    for noun, view in (("api-keys", ApiKeysView), ("categories", CategoriesView)):
        info = resolve(noun)
        assert info is not None and info.view is view and info.name == noun


async def test_create_an_api_key_read_only_by_default_then_revoke_it(
    make_app: Callable[..., RecordingApp], admin_client: AsyncClient, server_url: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("api-keys")
        await wait_until(pilot, loaded(app, ApiKeysView))
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        await pilot.press(*"tui-ci")
        values, errors = dialog.current_values()
        assert not errors
        defaults = read_only(scopes_of("admin"))
        assert values["scopes"] == defaults
        assert dialog.plan.command(values) == (
            "platform api-keys create --name tui-ci "
            + " ".join(f"--scope {name}" for name in defaults)
        )
        await pilot.press("enter")  # to the checklist
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, SecretDialog))
        secret_dialog = app.screen
        assert isinstance(secret_dialog, SecretDialog)
        secret = secret_dialog.secret
        assert secret
        # Never in a notification: only in the dialog, until it is closed.
        assert not any(secret in message for message, _ in app.messages)
        await pilot.press("c")
        assert secret_dialog.copied
        await pilot.press("enter")
        view = app.screen
        assert isinstance(view, ApiKeysView)
        await wait_until(pilot, lambda: any(r.values["name"] == "tui-ci" for r in view.table.rows))

        # The secret works, and only reads.
        async with AsyncClient(server_url, api_key=secret) as keyed:
            me = await keyed.users.me()
            assert me.email == (await admin_client.users.me()).email
            with pytest.raises(PermissionDeniedError):
                await keyed.users.update(me.id, name="changed by a read-only key")

        row = next(r for r in view.table.rows if r.values["name"] == "tui-ci")
        assert sorted(row.values["scopes"]) == sorted(defaults)
        view.table.select_key(row.key)
        titles = [title for title, _, _ in view.palette_actions()]
        assert titles == ["Create an API key", 'Revoke API key "tui-ci"']
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        revoke = app.screen
        assert isinstance(revoke, ConfirmDialog)
        assert revoke.plan.command({}) == f"platform api-keys revoke {row.key} --yes"
        await pilot.press("y")
        await wait_until(pilot, lambda: app.said('API key "tui-ci" revoked'))

    keys = (await admin_client.api_keys.list(limit=100)).data
    assert row.key not in {str(k.id) for k in keys}


async def test_categories_list_with_counts_and_open_their_products(
    make_app: Callable[..., RecordingApp], shop: Shop
) -> None:
    # By name, and the view's first page holds 100: a name that sorts first is on it
    # however many categories the rest of the suite has made.
    product = shop.product(category=new_category("0-tui"))
    category = product["category"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("categories", select=category)
        await wait_until(pilot, loaded(app, CategoriesView))
        view = app.screen
        assert isinstance(view, CategoriesView)
        await wait_until(pilot, lambda: view.table.get(category) is not None)
        row = view.table.get(category)
        assert row is not None and row.values["product_count"] == 1
        view.table.select_key(category)
        text = plain(await view.detail(row))
        assert product["sku"] in text and "10.00 " in text  # money with its currency
        await pilot.press("g")
        await wait_until(pilot, loaded(app, ProductsView))
        products = app.screen
        assert isinstance(products, ProductsView)
        assert products.filter.params == {"category": category}
        assert [r.key for r in products.table.rows] == [product["id"]]


async def test_the_stock_ledger_names_who_moved_stock_by_email(
    make_app: Callable[..., RecordingApp], shop: Shop, admin_client: AsyncClient
) -> None:
    product = shop.product()
    await admin_client.products.inventory.adjust(product["id"], delta=-3, reason="damaged")
    me = await admin_client.users.me()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("products", f"q:{product['sku']}", select=product["id"])
        await wait_until(pilot, loaded(app, ProductsView))
        view = app.screen
        assert isinstance(view, ProductsView)
        await wait_until(pilot, lambda: view.table.current is not None)
        row = view.table.current
        assert row is not None
        text = plain(await view.detail(row))
    assert "BY" in text and "ON HAND" in text
    line = next(line for line in text.splitlines() if "damaged" in line)
    assert "-3" in line and me.email in line and " 7 " in line
    assert str(me.id) not in text


async def test_an_admin_resets_a_users_second_factor(
    make_app: Callable[..., RecordingApp], make_user: Callable[..., Account], server_url: str
) -> None:
    user = make_user()
    with httpx.Client(base_url=server_url, timeout=30) as api:
        enable_mfa(api, user.access_token)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.me is not None)
        app.open_view("users", f"q:{user.email}")
        await wait_until(pilot, loaded(app, UsersView))
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert user.email in dialog.plan.title
        assert dialog.plan.command({}).startswith("platform users mfa-reset ")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.said("second factor of " + user.email + " is off"))
        # Again: the server refuses (nothing left to reset) and says why.
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: app.said("no second factor", "error"))
        # Never one's own (that takes a current code): refused before any dialog.
        app.open_view("users", f"q:{(await app.client.users.me()).email}")
        await wait_until(pilot, loaded(app, UsersView))
        await wait_until(pilot, lambda: app.screen.table.row_count == 1)  # type: ignore[attr-defined]
        await pilot.press("m")
        await wait_until(pilot, lambda: app.said("platform auth mfa disable", "warning"))
        assert not isinstance(app.screen, ConfirmDialog)
    # The password alone signs in again.
    async with AsyncClient(server_url) as client:
        await client.auth.login(email=user.email, password=user.password)


async def test_read_only_creates_and_revokes_no_key(make_app: Callable[..., RecordingApp]) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("api-keys")
        await wait_until(pilot, loaded(app, ApiKeysView))
        view = app.screen
        assert isinstance(view, ApiKeysView)
        assert view.palette_actions() == []
        await pilot.press("c")
        await wait_until(pilot, lambda: app.said("Read-only mode", "warning"))
        assert not isinstance(app.screen, ConfirmDialog)
