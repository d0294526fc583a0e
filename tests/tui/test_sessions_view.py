"""The dashboard's Sessions view shows which sign-ins passed a second factor."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from platform_cli.tui.screens.sessions import SessionsView
from platform_sdk import AsyncClient, MfaRequiredError
from tests.conftest import Account
from tests.server.mfa_helpers import enable_mfa
from tests.tui.conftest import RecordingApp, wait_until

pytestmark = pytest.mark.anyio


async def test_sessions_show_the_mfa_column(
    make_app: Callable[..., RecordingApp], make_user: Callable[..., Account], server_url: str
) -> None:
    user = make_user()  # signed in with the password alone
    with httpx.Client(base_url=server_url, timeout=30) as api:
        app_codes, _ = enable_mfa(api, user.access_token)
    async with AsyncClient(server_url) as client:
        with pytest.raises(MfaRequiredError) as needed:
            await client.auth.login(email=user.email, password=user.password)
        await client.auth.mfa.verify(challenge=needed.value.challenge, code=app_codes.code())
        app = make_app(client)
        async with app.run_test(size=(140, 40)) as pilot:
            app.open_view("sessions")
            await wait_until(
                pilot, lambda: isinstance(app.screen, SessionsView) and app.screen.loaded
            )
            view = app.screen
            assert isinstance(view, SessionsView)
            assert "MFA" in [c.label for c in view.columns()]
            flags = {bool(r.values["current"]): r.values["mfa"] for r in view.table.rows}
            # This dashboard's session passed the code; the first one (which then
            # enrolled, proving a code) is marked too.
            assert flags[True] is True
            assert len(view.table.rows) == 2
