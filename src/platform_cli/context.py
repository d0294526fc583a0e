"""What every command shares: global state, common options and small helpers.

A noun module needs only this and ``typer`` at import time; everything heavier (the SDK,
Rich, keyring) is imported when a command runs, so ``platform --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast

import typer

from platform_cli.params import opt

if TYPE_CHECKING:
    from platform_cli.client import Connection
    from platform_cli.output import Output
    from platform_sdk import Client

T = TypeVar("T")


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    yaml = "yaml"
    csv = "csv"


# "ref": an order's number, shown as people quote it (#1001).
Kind = Literal["text", "time", "id", "bool", "list", "status", "ref"]


@dataclass(frozen=True)
class Column:
    """A column of table output: header, key in the item's data (dotted), how to render it.

    Defined here rather than in ``output`` so commands can declare their columns at import
    time without loading the renderer.
    """

    header: str
    key: str
    kind: Kind = "text"


def columns(spec: str) -> list[Column]:
    """Columns from one spec: ``"ID=id:id, NAME=name, CREATED=created_at:time"``, each
    ``HEADER=key`` with an optional ``:kind`` (``text`` when left out)."""
    found = []
    for part in spec.split(","):
        header, _, rest = part.strip().partition("=")
        key, _, kind = rest.partition(":")
        found.append(Column(header, key, cast(Kind, kind or "text")))
    return found


@dataclass
class State:
    """Global options of the root callback, stored in ``ctx.obj``."""

    profile: str | None = None
    output: str | None = None
    debug: bool = False
    _open_connection: Any = field(default=None, repr=False)


# -- options shared by commands ---------------------------------------------------------------

OutputOption = Annotated[
    Format | None,
    opt(
        "--output",
        "-o",
        help="Output format (default: the profile's `output` setting, else table).",
        case_sensitive=False,
    ),
]
JqOption = Annotated[
    str | None,
    opt(
        "--jq",
        metavar="EXPR",
        help="Filter the JSON output with a jq expression, e.g. '.total' or '.[].id'.",
        rich_help_panel="Output",
    ),
]
TemplateOption = Annotated[
    str | None,
    opt(
        "--template",
        metavar="TEMPLATE",
        help="Print each object through a Jinja2 template, e.g. '{{ id }} {{ status }}'.",
        rich_help_panel="Output",
    ),
]
_COLUMNS_HELP = "Only these fields, in this order (comma-separated keys such as id,total)."
ColumnsOption = Annotated[
    list[str] | None,
    opt("--columns", "-c", metavar="FIELDS", help=_COLUMNS_HELP, rich_help_panel="Output"),
]
# For the verbs whose own options already use -c (``products list --category/-c``).
LongColumnsOption = Annotated[
    list[str] | None,
    opt("--columns", metavar="FIELDS", help=_COLUMNS_HELP, rich_help_panel="Output"),
]
YesOption = Annotated[
    bool,
    typer.Option("--yes", "-y", help="Do not ask for confirmation (needed without a terminal)."),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Validate and show what would change; change nothing.")
]
# Scripts cannot type at a prompt: every verb that asks for a password takes it this way too.
PasswordStdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin (else prompted).")
]
LimitOption = Annotated[int, typer.Option("--limit", "-L", min=1, help="How many items to show.")]
AllOption = Annotated[
    bool,
    typer.Option("--all", "-a", help="Walk every page and stream every item (ignores --limit)."),
]


# Formats of date-time options: ISO 8601, read as UTC without an offset (see ``as_utc``).
TIME_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]


def time_option(flag: str, what: str) -> Any:
    """The type of a date-time filter such as ``--created-after``: ``what`` it bounds."""
    return Annotated[
        datetime | None,
        opt(flag, help=f"{what} (ISO 8601, UTC if no offset).", formats=TIME_FORMATS),
    ]


def only_option(kind: Any, what: str = "status") -> Any:
    """The type of a choice filter such as ``--status`` (``kind``, a ``Literal``): only items
    with this ``what``."""
    return Annotated[kind | None, opt(help=f"Only this {what}.")]


def query_option(what: str) -> Any:
    """The type of ``--query/-q``, a text filter over ``what``."""
    return Annotated[str | None, opt("--query", "-q", help=what)]


def as_utc(value: datetime | None) -> datetime | None:
    """A date-time option as given, in UTC when it has no offset."""
    from datetime import UTC

    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def check_fields(errors: list[tuple[str, str]]) -> None:
    """Stop with the problems local validation (``--dry-run``) found, if any: exit code 1."""
    if errors:
        from platform_cli.errors import LocalValidationError

        raise LocalValidationError(errors)


def parse_money(value: str) -> Decimal:
    """Parser of amount options: a decimal string such as ``19.99``, kept exact (never a float)."""
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise typer.BadParameter(f"{value!r} is not a decimal amount such as 19.99") from None
    if not amount.is_finite() or amount < 0:
        raise typer.BadParameter(f"{value!r} is not a non-negative decimal amount")
    return amount


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


def _warn(message: str) -> None:
    sys.stderr.write(f"Warning: {message}\n")


def connection(ctx: typer.Context, *, base_url: str | None = None) -> Connection:
    """The resolved profile (config + credential); cached per invocation."""
    from platform_cli.client import Connection

    st = state(ctx)
    if st._open_connection is None or base_url is not None:
        st._open_connection = Connection.open(st.profile, base_url=base_url, warn=_warn)
    conn: Connection = st._open_connection
    return conn


def output(
    ctx: typer.Context,
    fmt: Format | str | None = None,
    *,
    jq: str | None = None,
    template: str | None = None,
    columns: list[str] | None = None,
) -> Output:
    """The Output for this command: ``-o`` of the command, of the root, then the profile;
    ``--jq``, ``--template`` and ``--columns`` shape what it prints (see ``output.Shape``)."""
    from platform_cli.output import Output
    from platform_cli.shape import Shape

    st = state(ctx)
    chosen = fmt.value if isinstance(fmt, Format) else fmt
    shape = Shape.of(jq=jq, template=template, columns=columns, fmt=chosen)
    if shape.format is not None:  # --jq and --template print their own way
        return Output(shape.format, shape=shape)
    chosen = chosen or st.output
    if chosen is None:
        try:
            conn = connection(ctx)
            chosen = conn.config.output(conn.profile)
        except Exception:  # a broken config file must not stop `-o` defaults; commands report it
            chosen = None
    return Output(chosen or "table", shape=shape)


@contextlib.contextmanager
def client(ctx: typer.Context, *, authenticated: bool = True) -> Iterator[Client]:
    """An SDK client for the active profile, closed afterwards."""
    sdk_client = connection(ctx).client(authenticated=authenticated)
    try:
        yield sdk_client
    finally:
        sdk_client.close()


def confirm(action: str, *, yes: bool) -> None:
    """Ask before a destructive action; without a terminal, demand ``--yes`` (exit code 2)."""
    from platform_cli import terminal
    from platform_cli.errors import CLIError, UsageError

    if yes:
        return
    if not terminal.stdin_is_tty():
        raise UsageError(f"refusing to {action} without confirmation; pass --yes to proceed")
    if not typer.confirm(f"{action[0].upper()}{action[1:]}?", default=False, err=True):
        raise CLIError("aborted; nothing was changed")


def take(items: Iterable[T], limit: int, all_items: bool) -> Iterable[T]:
    """Every item with ``--all``, else at most ``limit`` (the SDK fetches pages lazily)."""
    return items if all_items else islice(items, limit)


def page_size(limit: int, all_items: bool) -> int:
    return 100 if all_items else max(1, min(limit, 100))


def read_secret_stdin(what: str) -> str:
    """One line from stdin (for --password-stdin / --api-key -), without the newline."""
    from platform_cli.errors import UsageError, register_secret

    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UsageError(f"expected the {what} on stdin, got nothing")
    register_secret(line)
    return line


def prompt_secret(label: str, *, confirmation: bool = False) -> str:
    from platform_cli import terminal
    from platform_cli.errors import UsageError, register_secret

    if not terminal.stdin_is_tty():
        raise UsageError(f"no terminal to prompt for the {label.lower()}; use --password-stdin")
    value = str(typer.prompt(label, hide_input=True, confirmation_prompt=confirmation, err=True))
    register_secret(value)
    return value


def ask_secret(what: str, *, from_stdin: bool, confirmation: bool = False) -> str:
    """The ``what`` (``new password``): a line of stdin with --password-stdin, else typed at
    the terminal, hidden (twice with ``confirmation``)."""
    if from_stdin:
        return read_secret_stdin(what)
    return prompt_secret(what.capitalize(), confirmation=confirmation)
