"""The command palette (ctrl+p): views, and the actions of the view below it by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from platform_cli.tui.app import PlatformApp


class PlatformCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        from platform_cli.tui.screens import VIEWS, BaseView

        app = cast("PlatformApp", self.app)
        screen = self.screen
        items: list[tuple[str, str, Callable[[], Any]]] = []
        if isinstance(screen, BaseView):
            items += screen.palette_actions()
        for info in VIEWS.values():
            items.append(
                (
                    f"Go to {info.view.LABEL}",
                    f":{info.name} — {info.help}",
                    partial(app.open_view, info.name),
                )
            )
        if isinstance(screen, BaseView):
            items += [
                ("Refresh this view", "r", screen.action_refresh),
                ("Pause or resume live refresh", "p", screen.action_toggle_pause),
                ("Filter this view", "/", screen.action_filter),
                ("Keys and commands", "?", screen.action_help),
            ]
        items += [
            ("Change the colour theme", "Textual's themes", app.action_change_theme),
            ("Quit the dashboard", "ctrl+c", app.exit),
        ]
        return items

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
