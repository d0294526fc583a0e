"""Modal dialogs: confirm an action (with its fields and CLI equivalent), a secret shown
once, and help."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from platform_cli.tui.actions import ActionPlan, Values


class ConfirmDialog(ModalScreen[Values | None]):
    """Says what will happen and the equivalent command; returns the values, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, plan: ActionPlan) -> None:
        super().__init__(classes="dialog-screen")
        self.plan = plan
        self._raw: dict[str, str] = {f.name: f.default for f in plan.fields}

    def compose(self) -> ComposeResult:
        plan = self.plan
        with VerticalScroll(id="dialog", classes="-danger" if plan.danger else ""):
            yield Static(Text(plan.title + "?", style="bold"), id="dialog-title")
            yield Static("", id="dialog-summary")
            for item in plan.fields:
                yield Label(item.label, classes="field-label")
                if item.kind == "checklist":
                    ticked = {c.strip() for c in item.default.split(",")}
                    yield SelectionList[str](
                        *(
                            Selection(
                                Text.assemble(choice, ("  " + hint, "dim") if hint else ""),
                                choice,
                                choice in ticked,
                            )
                            for choice, hint in zip(
                                item.choices, item.hints or ("",) * len(item.choices), strict=True
                            )
                        ),
                        id=f"field-{item.name}",
                        classes="checklist",
                    )
                elif item.kind == "choice":
                    yield Select(
                        [(c, c) for c in item.choices],
                        value=item.default if item.default in item.choices else Select.NULL,
                        allow_blank=not item.required,
                        id=f"field-{item.name}",
                    )
                else:
                    yield Input(
                        value=item.default, placeholder=item.placeholder, id=f"field-{item.name}"
                    )
                yield Static("", id=f"error-{item.name}", classes="field-error")
            yield Static(Text("Equivalent command", style="bold dim"), classes="command-label")
            yield Static("", id="dialog-command")
            with Horizontal(id="dialog-buttons"):
                # A button runs the dialog's action (the same as its key), not a handler.
                yield Button(
                    plan.confirm_label,
                    id="confirm",
                    variant="error" if plan.danger else "primary",
                    action="screen.confirm",
                )
                yield Button("Go back", id="cancel", action="screen.cancel")
            hint = "Enter confirms · Esc cancels" if plan.fields else "y confirms · n / Esc cancels"
            yield Static(Text(hint, style="dim"), id="dialog-hint")

    def on_mount(self) -> None:
        self._update()
        if self.plan.fields:
            self.query_one(f"#field-{self.plan.fields[0].name}").focus()
        else:
            self.query_one("#confirm", Button).focus()

    def current_values(self) -> tuple[Values, dict[str, str]]:
        """The typed values of the fields as they stand, and what is wrong with them."""
        return self.plan.parse(self._raw)

    def _update(self) -> None:
        values, errors = self.current_values()
        self.query_one("#dialog-summary", Static).update(self.plan.summary(values))
        self.query_one("#dialog-command", Static).update(
            Text("$ " + self.plan.command(values), style="bold")
        )
        for item in self.plan.fields:
            message = errors.get(item.name, "")
            touched = self._raw.get(item.name, "") != item.default or not item.required
            self.query_one(f"#error-{item.name}", Static).update(
                Text(message, style="red") if message and touched else ""
            )
        self.query_one("#confirm", Button).disabled = bool(errors)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("field-"):
            self._raw[event.input.id.removeprefix("field-")] = event.value
            self._update()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id and event.select.id.startswith("field-"):
            value = event.value
            self._raw[event.select.id.removeprefix("field-")] = (
                "" if value is Select.NULL else str(value)
            )
            self._update()

    @on(SelectionList.SelectedChanged)
    def _checklist_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        widget = event.selection_list
        if widget.id and widget.id.startswith("field-"):
            self._raw[widget.id.removeprefix("field-")] = ",".join(widget.selected)
            self._update()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        names = [f.name for f in self.plan.fields]
        current = (event.input.id or "").removeprefix("field-")
        if current in names and names.index(current) < len(names) - 1:
            self.query_one(f"#field-{names[names.index(current) + 1]}").focus()
        else:
            self.action_confirm()

    def on_key(self, event: events.Key) -> None:
        if isinstance(self.focused, Input):
            return
        if event.key == "y":
            event.stop()
            self.action_confirm()
        elif event.key == "n":
            event.stop()
            self.action_cancel()

    def action_confirm(self) -> None:
        values, errors = self.current_values()
        if errors:
            self.app.bell()
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SecretDialog(ModalScreen[None]):
    """A secret the server shows only once (a new API key): it stays on screen until
    closed, with a way to copy it; it is never put in a notification or a log."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", show=False),
        Binding("c", "copy", "Copy", show=False),
    ]

    def __init__(self, title: str, secret: str | None, note: str) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.secret = secret
        self.note = note
        self.copied = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="secret"):
            yield Static(Text(self.title_text, style="bold"), id="dialog-title")
            if self.secret:
                yield Static(Text(self.secret, style="bold"), id="secret-value")
                yield Static(
                    Text(
                        "This is the only time it is shown: store it now (a password manager, "
                        "your CI's secrets). c copies it to the clipboard (terminals that "
                        "allow it, OSC 52); or select it with the mouse (shift+drag in tmux).",
                        style="yellow",
                    ),
                    id="secret-warning",
                )
            yield Static(self.note, id="dialog-summary")
            with Horizontal(id="dialog-buttons"):
                if self.secret:
                    yield Button("Copy", id="copy", action="screen.copy")
                close = "I have stored it" if self.secret else "Close"
                yield Button(close, id="close", action="screen.close")
            hint = "c copies · Enter or Esc closes" if self.secret else "Enter or Esc closes"
            yield Static(Text(hint, style="dim"), id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def action_copy(self) -> None:
        if self.secret:
            self.app.copy_to_clipboard(self.secret)
            self.copied = True
            self.notify("Copied to the clipboard (if your terminal allows it).", timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)


class HelpEntries(Static):
    """A section of the help; ``plain`` is its text (for searching it in tests)."""

    def __init__(self, renderable: Table, entries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(renderable, **kwargs)
        self.plain = "\n".join(f"{key}  {text}" for key, text in entries)


class HelpScreen(ModalScreen[None]):
    """Every binding of the view below, the global ones, the commands and filter keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", show=False)
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__(classes="dialog-screen")
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(Text("Keys and commands", style="bold"), id="help-title")
            with VerticalScroll(id="help-body"):
                for title, entries in self.sections:
                    yield Static(Text(title, style="bold underline"), classes="help-section")
                    grid = Table.grid(padding=(0, 2))
                    grid.add_column(style="bold cyan", no_wrap=True)
                    grid.add_column(overflow="fold")
                    for key, description in entries:
                        grid.add_row(key, description)
                    yield HelpEntries(grid, entries, classes="help-entries")
            yield Static(Text("Esc, q or ? closes", style="dim"), id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)

    def on_click(self, event: events.Click) -> None:
        if event.widget is self:
            self.dismiss(None)
