"""The bottom prompt: ``:`` for commands (switch views), ``/`` for the view's filter.

Completion: the likely ending shows greyed out as you type (→ or Tab takes it; Tab again
cycles through the other candidates, listed above the prompt).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static

Mode = Literal["command", "filter"]
Candidates = Callable[[str], list[str]]


class _Suggest(Suggester):
    def __init__(self, prompt: PromptInput) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.prompt = prompt

    async def get_suggestion(self, value: str) -> str | None:
        candidates = self.prompt.candidates(value) if value else []
        return candidates[0] if candidates else None


class PromptInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False),
        Binding("escape", "dismiss", "Close", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        self._candidates: Candidates = lambda value: []
        self._cycle: list[str] = []
        super().__init__(id=id, suggester=_Suggest(self))

    def candidates(self, value: str) -> list[str]:
        try:
            return self._candidates(value)
        except Exception:  # completion must never break typing
            return []

    def action_complete(self) -> None:
        value = self.value
        if self._cycle and value in self._cycle:
            following = self._cycle[(self._cycle.index(value) + 1) % len(self._cycle)]
            self._set(following)
            return
        options = self.candidates(value)
        if not options:
            return
        self._cycle = options
        self._set(options[0])

    def _set(self, value: str) -> None:
        self.value = value
        self.cursor_position = len(value)

    def action_dismiss(self) -> None:
        for node in self.ancestors:
            if isinstance(node, PromptBar):
                node.close()
                return


class PromptBar(Vertical):
    """Hidden until opened; posts ``PromptBar.Submitted`` with the mode and the text."""

    DEFAULT_CSS = """
    PromptBar { height: auto; display: none; }
    PromptBar.-open { display: block; }
    PromptBar #prompt-hint { color: $text-muted; padding: 0 1; height: auto; max-height: 4; }
    PromptBar #prompt-row { height: 1; }
    PromptBar #prompt-sigil { width: 2; padding: 0 0 0 1; color: $accent; text-style: bold; }
    PromptBar PromptInput { border: none; height: 1; padding: 0; width: 1fr; }
    """

    class Submitted(Message):
        def __init__(self, mode: Mode, value: str) -> None:
            super().__init__()
            self.mode = mode
            self.value = value

    class Closed(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode: Mode = "command"
        self._hint: Callable[[str], str] = lambda value: ""

    def compose(self) -> ComposeResult:
        yield Static("", id="prompt-hint")
        with Horizontal(id="prompt-row"):
            yield Static(":", id="prompt-sigil")
            yield PromptInput(id="prompt-input")

    @property
    def input(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(
        self,
        mode: Mode,
        *,
        value: str = "",
        candidates: Candidates,
        hint: Callable[[str], str],
        placeholder: str = "",
    ) -> None:
        self.mode = mode
        self._hint = hint
        self.query_one("#prompt-sigil", Static).update(":" if mode == "command" else "/")
        prompt = self.input
        prompt._candidates = candidates
        prompt._cycle = []
        prompt.placeholder = placeholder
        prompt.value = value
        prompt.cursor_position = len(value)
        self.add_class("-open")
        self._show_hint(value)
        prompt.focus()

    def close(self) -> None:
        if not self.is_open:
            return
        self.remove_class("-open")
        self.input.value = ""
        self.post_message(self.Closed())

    def _show_hint(self, value: str) -> None:
        try:
            text = self._hint(value)
        except Exception:
            text = ""
        self.query_one("#prompt-hint", Static).update(text)

    @on(Input.Changed, "#prompt-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.is_open:
            self._show_hint(event.value)

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        mode, value = self.mode, event.value
        self.close()
        self.post_message(self.Submitted(mode, value))
