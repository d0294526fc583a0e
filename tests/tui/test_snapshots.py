"""Screenshots of the dashboard with fixed data and a fixed clock (``fake.py``).

Update after an intended change of the look: ``pytest tests/tui --snapshot-update``, then
review the SVGs under ``__snapshots__``.
"""

from __future__ import annotations

from typing import Any

import pytest

from platform_cli.tui.app import Options, PlatformApp
from platform_cli.tui.dialogs import HelpScreen
from platform_cli.tui.screens.listing import ResourceView
from tests.tui.conftest import wait_until
from tests.tui.fake import NOW, ORDERS, FakeClient

SIZE = (130, 40)


def fixed_app(start_view: str = "stats") -> PlatformApp:
    return PlatformApp(
        FakeClient(),  # type: ignore[arg-type]
        Options(profile="demo", refresh=3600, live_events=False),
        clock=lambda: NOW,
        start_view=start_view,
    )


async def settled(pilot: Any) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: getattr(app.screen, "loaded", False) and app.me is not None)
    screen = app.screen
    if isinstance(screen, ResourceView):
        await wait_until(pilot, lambda: screen.detail_key == str(ORDERS[0].id))
    await pilot.pause(0.1)


@pytest.fixture
def snap(snap_compare: Any) -> Any:
    def take(app: PlatformApp, *, press: tuple[str, ...] = ()) -> bool:
        async def run_before(pilot: Any) -> None:
            await settled(pilot)
            if press:
                await pilot.press(*press)
                await pilot.pause(0.2)
            if "question_mark" in press:
                await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))

        return bool(snap_compare(app, terminal_size=SIZE, run_before=run_before))

    return take


def test_stats(snap: Any) -> None:
    assert snap(fixed_app())


def test_orders_list(snap: Any) -> None:
    assert snap(fixed_app("orders"))


def test_order_detail(snap: Any) -> None:
    assert snap(fixed_app("orders"), press=("enter",))


def test_help_screen(snap: Any) -> None:
    assert snap(fixed_app("orders"), press=("question_mark",))
