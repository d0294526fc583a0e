"""Command groups whose subcommands are imported only when they are named.

A noun is a package ``commands/<noun>/`` whose ``__init__`` declares a ``Noun``: its help and
a table of verbs, each ``"module:function"`` (the module under the package). Running
``platform products list`` imports ``commands/products/__init__`` and ``…/list.py``, nothing
else; ``platform products --help`` imports the noun's verbs to show their help, and
``platform --help`` imports no verb at all (a noun's help is in its ``Noun``).

Built on the public Click/Typer surface only: ``list_commands``/``get_command`` of a group and
``typer.main.get_command`` to turn one function into a command.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field, replace
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class Noun:
    """A command group: its help, and its subcommands by name.

    A subcommand is ``"module:attr"`` (a function, or a ``typer.Typer`` with a callback such
    as ``platform stats``), ``"package"`` (a noun package: its ``NOUN``), or a nested
    ``Noun`` (``platform users profile …``). A module starting with ``.`` is relative to
    ``package``, which is filled in when the noun is loaded from its package. Hidden
    subcommands (old spellings kept for one release) work but are not listed.
    """

    help: str
    verbs: dict[str, str | Noun]
    package: str = ""
    panels: dict[str, str] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()


_COMPLETION = ("install_completion", "show_completion")


class FlagsShownAsFlags:
    """A command whose help shows a boolean flag (``--all``, ``--help``) without a value
    type (Typer labels every option with its type, and ``--yes <bool>`` reads as if it
    took a value), and every other option's value by its shape (``metavars.py``:
    ``--order-id ID``, not ``<str>``)."""

    def get_params(self, ctx: Any) -> list[Any]:
        from typer.core import TyperOption

        from platform_cli.metavars import metavar_for

        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if param.metavar is not None or not isinstance(param, TyperOption):
                continue
            param.metavar = "" if param.is_flag else metavar_for(param)
        return params


class FlagCommand(FlagsShownAsFlags, TyperCommand):
    pass


class FlagGroup(FlagsShownAsFlags, TyperGroup):
    pass


def _flags_shown_as_flags(app: typer.Typer) -> None:
    """Build ``app``'s commands and groups (and its sub-apps') with ``FlagsShownAsFlags``."""
    from typer.models import DefaultPlaceholder

    if app.info.cls in (None, TyperGroup) or isinstance(app.info.cls, DefaultPlaceholder):
        app.info.cls = FlagGroup
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = FlagCommand
    for sub in app.registered_groups:
        if sub.typer_instance is not None:
            _flags_shown_as_flags(sub.typer_instance)


def command_from(target: Any, name: str) -> Any:
    """A Click command from a function (one verb) or a ``typer.Typer`` app."""
    if isinstance(target, typer.Typer):
        app = target
    else:
        app = typer.Typer(add_completion=False)
        app.command(name)(target)
    _flags_shown_as_flags(app)
    command = typer.main.get_command(app)
    command.name = name
    # Completion is installed from the root; a subcommand does not offer it again.
    command.params = [p for p in command.params if p.name not in _COMPLETION]
    return command


class LazyGroup(FlagsShownAsFlags, TyperGroup):
    """A group that imports a subcommand's module when the subcommand is needed."""

    noun: Noun = Noun(help="", verbs={})

    def __init__(self, *args: Any, noun: Noun | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if noun is not None:
            self.noun = noun
        self.loaded: dict[str, Any] = {}
        self.listing = False

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # The list of subcommands needs their one-line help only: no command is built for it.
        # Drawn by ``group_help`` when it can (Typer's look, without Typer's help module).
        from platform_cli import group_help

        self.listing = True
        try:
            if not group_help.draw(self, ctx):
                super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        listed = [name for name in super().list_commands(ctx) if name not in self.noun.verbs]
        return [*self.noun.verbs, *listed]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        spec = self.noun.verbs.get(cmd_name)
        if spec is None:
            return super().get_command(ctx, cmd_name)
        if self.listing and isinstance(spec, str) and ":" in spec:
            return self._summary(cmd_name, spec)
        if cmd_name not in self.loaded:
            self.loaded[cmd_name] = self._load(cmd_name, spec)
        return self.loaded[cmd_name]

    def _target(self, spec: str) -> Any:
        module, _, attr = spec.partition(":")
        if module.startswith("."):
            module = self.noun.package + module
        return getattr(importlib.import_module(module), attr)

    def _summary(self, name: str, spec: str) -> Any:
        """A stand-in that shows a subcommand in a list: its help, panel and visibility."""
        target = self._target(spec)
        text = target.info.help if isinstance(target, typer.Typer) else inspect.getdoc(target)
        return TyperCommand(
            name=name,
            help=text,
            hidden=name in self.noun.hidden,
            rich_help_panel=self.noun.panels.get(name),
        )

    def _load(self, name: str, spec: str | Noun) -> Any:
        hidden = name in self.noun.hidden
        panel = self.noun.panels.get(name)
        if isinstance(spec, Noun):
            return group(name, replace(spec, package=self.noun.package), hidden=hidden, panel=panel)
        if ":" not in spec:
            module = self.noun.package + spec if spec.startswith(".") else spec
            noun: Noun = importlib.import_module(module).NOUN
            return group(name, replace(noun, package=module), hidden=hidden, panel=panel)
        command = command_from(self._target(spec), name)
        command.hidden = hidden
        if panel is not None:
            command.rich_help_panel = panel
        return command


def group(name: str, noun: Noun, *, hidden: bool = False, panel: str | None = None) -> LazyGroup:
    """The Click group of a noun (its verbs load when named)."""
    return LazyGroup(
        name=name,
        noun=noun,
        help=noun.help,
        no_args_is_help=True,
        hidden=hidden,
        rich_help_panel=panel,
    )
