"""The help of a command group (``platform --help``, ``platform products --help``), drawn with
Rich the way Typer draws it, without importing Typer's help module.

Why: ``typer.rich_utils`` imports ``rich.markdown`` (and with it ``markdown_it``, ``rich.syntax``
and Pygments) and ``rich.traceback`` whatever the markup mode, about 60 ms of a 190 ms
``platform --help``. A group's help needs none of them: usage, help text, an options panel
and panels of subcommands. The styles, highlighters and layout below are Typer's
(``typer.rich_utils``, Typer 0.29); ``tests/cli/test_startup.py`` compares this output with
Typer's own for every group, at several widths, with and without colour.

``draw`` returns False for anything it does not draw exactly as Typer would (arguments,
option panels, secondary or required options, shown defaults, deprecated commands, an
epilog, Markdown markup): the caller then falls back to Typer's renderer.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from typing import Any

from rich.align import Align
from rich.columns import Columns
from rich.console import Console, RenderableType, group
from rich.highlighter import RegexHighlighter
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.theme import Theme
from typer.core import HAS_RICH, TyperArgument, TyperOption

THEME = {
    "option": "bold cyan",
    "switch": "bold green",
    "negative_option": "bold magenta",
    "negative_switch": "bold red",
    "types": "bold yellow",
    "types_sep": "dim",
    "usage": "yellow",
}
STYLE_USAGE_COMMAND = "bold"
STYLE_HELPTEXT = "dim"
STYLE_TYPES = "bold yellow"
STYLE_OPTION_ENVVAR = "dim yellow"
STYLE_PANEL_BORDER = "dim"
STYLE_COMMAND_NAME = "bold cyan"
OPTIONS_TITLE = "Options"
COMMANDS_TITLE = "Commands"
ANSI_PREFIX = "\033["


class OptionHighlighter(RegexHighlighter):
    highlights = [
        r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])",
        r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
        r"(?P<types>\<[^\>]+\>)",
        r"(?P<usage>Usage: )",
    ]


class TypesHighlighter(RegexHighlighter):
    """Dims the ``<``, ``|``, ``>`` of a choice (``<table|json|csv>``)."""

    highlights = [
        r"^(?P<types_sep>(\[|<))",
        r"(?P<types_sep>\|)",
        r"(?P<types_sep>(\]|>))(\.\.\.)?$",
    ]


highlight = OptionHighlighter()
highlight_types = TypesHighlighter()


def console() -> Console:
    """The console Typer prints help on (its environment switches included)."""
    force: bool | None = None
    if os.getenv("GITHUB_ACTIONS") or os.getenv("FORCE_COLOR") or os.getenv("PY_COLORS"):
        force = True
    if os.getenv("_TYPER_FORCE_DISABLE_TERMINAL"):  # Typer's switch for its own tests
        force = False
    width = os.getenv("TERMINAL_WIDTH")
    return Console(
        theme=Theme(THEME),
        highlighter=highlight,
        color_system="auto",
        force_terminal=force,
        width=int(width) if width else None,
    )


def rich_text(text: str, style: str = "") -> Text:
    text = inspect.cleandoc(text)
    if ANSI_PREFIX in text:
        return highlight(Text.from_ansi(text, style=style))
    return highlight(Text.from_markup(text, style=style))


@group()
def help_text(help: str) -> Iterator[Text]:
    """The group's help: the first paragraph, then the others dimmed."""
    text = inspect.cleandoc(help).partition("\f")[0]
    first, *rest = text.split("\n\n")
    if not first.startswith("\b"):
        first = first.replace("\n", " ")
    yield rich_text(first.strip())
    if rest:
        yield Text("")
        yield rich_text("\n\n".join(rest), STYLE_HELPTEXT)


def option_row(param: Any, ctx: Any) -> list[RenderableType] | None:
    """An options-table row for ``param``; None if it shows more than this module draws."""
    if param.secondary_opts or param.required or getattr(param, "rich_help_panel", None):
        return None
    envvar = param.envvar if param.show_envvar else None
    if not isinstance(envvar, str | None):
        return None
    help = param.help or ""
    expected = help
    if envvar:  # click appends the env var, and any default or range, to the help record
        expected = f"{help}  [env var: {envvar}]" if help else f"[env var: {envvar}]"
    record = param.get_help_record(ctx)
    if record is None or record[1] != expected:
        return None
    items: list[RenderableType] = []
    if help:
        paragraphs = [
            p.replace("\n", " ").strip() if not p.startswith("\b") else p.strip("\b\n") + "\n"
            for p in help.split("\n\n")
        ]
        items.append(rich_text("\n".join(paragraphs).strip()))
    if envvar:
        items.append(Text(f"[env var: {envvar}]", style=STYLE_OPTION_ENVVAR))
    types = Text(style=STYLE_TYPES, overflow="fold")
    shown_type = param.display_type_rich(ctx=ctx)
    if shown_type is not None:
        types.append(shown_type)
    return [
        highlight(",".join(o for o in param.opts if "--" in o)),
        highlight(",".join(o for o in param.opts if "--" not in o)),
        Text(""),  # negated forms (``--no-x``), which this module does not draw
        Text(""),
        highlight_types(types),
        Columns(items),
    ]


def table(*, highlight_cells: bool) -> Table:
    """A borderless table filling the panel it is in, as Typer's help tables are."""
    return Table(
        highlight=highlight_cells,
        show_header=False,
        expand=True,
        box=None,
        show_lines=False,
        leading=0,
        border_style=None,
        row_styles=None,
        pad_edge=False,
        padding=(0, 1),
    )


def panel(content: Table, title: str) -> Panel:
    return Panel(content, border_style=STYLE_PANEL_BORDER, title=title, title_align="left")


def command_help(command: Any) -> Text:
    """A subcommand's first paragraph (in Rich markup mode Typer keeps its single newlines)."""
    first = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]
    if first.startswith("\b"):
        first = first.replace("\b\n", "")
    return rich_text(first.strip())


def commands_panel(title: str, commands: list[Any], name_width: int) -> Panel:
    rows = table(highlight_cells=False)
    rows.add_column(style=STYLE_COMMAND_NAME, no_wrap=True, width=name_width)
    # A big ratio keeps the name column as wide in every panel (Typer's choice).
    rows.add_column("Description", justify="left", no_wrap=False, ratio=10)
    for command in commands:
        rows.add_row(Text(command.name or ""), command_help(command))
    return panel(rows, title)


def draw(group_: Any, ctx: Any) -> bool:
    """Print ``group_``'s help as Typer would; False (nothing printed) if it cannot."""
    if not HAS_RICH or group_.rich_markup_mode != "rich" or group_.deprecated:
        return False
    if group_.epilog or ctx.auto_envvar_prefix is not None:
        return False
    params = [p for p in group_.get_params(ctx) if not getattr(p, "hidden", False)]
    if any(isinstance(p, TyperArgument) for p in params):
        return False
    options = table(highlight_cells=True)
    for param in params:
        if isinstance(param, TyperOption):
            row = option_row(param, ctx)
            if row is None:
                return False
            options.add_row(*row)
    panels: dict[str, list[Any]] = {COMMANDS_TITLE: []}
    for name in group_.list_commands(ctx):
        command = group_.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        if command.deprecated:
            return False
        title = getattr(command, "rich_help_panel", None) or COMMANDS_TITLE
        panels.setdefault(title, []).append(command)
    width = max((len(c.name or "") for cs in panels.values() for c in cs), default=0)

    out = console()
    out.print(Padding(highlight(group_.get_usage(ctx)), 1), style=STYLE_USAGE_COMMAND)
    if group_.help:
        out.print(Padding(Align(help_text(group_.help), pad=False), (0, 1, 1, 1)))
    if options.row_count:
        out.print(panel(options, OPTIONS_TITLE))
    for title, commands in panels.items():
        if commands:
            out.print(commands_panel(title, commands, width))
    return True
