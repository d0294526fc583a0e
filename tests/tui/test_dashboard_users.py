"""The dashboard's Users view: suspend, change a role, revoke every session (and
refuse to in read-only mode), against a real server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from platform_cli.tui.dialogs import ConfirmDialog
from platform_cli.tui.screens.users import UsersView
from platform_sdk import AsyncClient, AuthenticationError
from tests.conftest import Account
from tests.tui.conftest import RecordingApp, wait_until
from tests.tui.test_dashboard import SIZE, loaded

pytestmark = pytest.mark.anyio


async def test_suspend_and_change_role_of_a_user(
    make_app: Callable[..., RecordingApp],
    make_user: Callable[..., Account],
    admin_client: AsyncClient,
) -> None:
    from textual.widgets import Select

    user = make_user(role="staff")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("users", f"q:{user.email}")
        await wait_until(pilot, loaded(app, UsersView))
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen.plan.command({}) == f"platform users suspend {user.id} --yes"
        await pilot.press("y")
        await wait_until(pilot, lambda: app.said("is now suspended"))

        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        dialog.query_one(Select).value = "customer"
        await pilot.pause()
        assert dialog.plan.command(dialog.plan.parse(dialog._raw)[0]) == (
            f"platform users set-role {user.id} customer --yes"
        )
        await pilot.press("y")
        await wait_until(pilot, lambda: app.said("is now customer"))
    after = await admin_client.users.get(user.id)
    assert (after.status, after.role) == ("suspended", "customer")


async def test_revoke_every_session_of_a_user(
    make_app: Callable[..., RecordingApp], make_user: Callable[..., Account], server_url: str
) -> None:
    user = make_user()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("users", f"q:{user.email}")
        await wait_until(pilot, loaded(app, UsersView))
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert dialog.plan.command({}) == f"platform users revoke-sessions {user.id} --yes"
        assert "Every session of" in dialog.plan.summary({})
        await pilot.press("y")
        await wait_until(pilot, lambda: app.said("is revoked"))
    async with AsyncClient(server_url, access_token=user.access_token) as client:
        with pytest.raises(AuthenticationError):
            await client.users.me()


async def test_read_only_refuses_revoking_sessions(
    make_app: Callable[..., RecordingApp], make_user: Callable[..., Account], server_url: str
) -> None:
    user = make_user()
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("users", f"q:{user.email}")
        await wait_until(pilot, loaded(app, UsersView))
        view = app.screen
        assert isinstance(view, UsersView)
        assert view.check_action("revoke_sessions", ()) is False
        await pilot.press("x")
        await wait_until(pilot, lambda: app.said("Read-only", "warning"))
        assert not isinstance(app.screen, ConfirmDialog)
    async with AsyncClient(server_url, access_token=user.access_token) as client:
        assert str((await client.users.me()).id) == user.id
