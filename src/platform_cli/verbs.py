"""Verb decorators: a verb states its own arguments and what it does; the options every verb
repeats (``-o``, ``--limit/--all``, ``--dry-run``, ``--yes``) are added here, once.

- ``@listing(COLUMNS, empty=…)`` on ``fetch(sdk, size, **args)``: a list with --limit/--all/-o.
- ``@showing(COLUMNS)`` on ``call(sdk, **args)``: one object, with -o.
- ``@changing(confirm=…)`` on ``plan(session, **args) -> Change``: --dry-run (and --yes when
  ``confirm``) and -o; the change is previewed, confirmed and sent the same way everywhere.
- ``@verb(dry_run=…)`` on ``body(session, **args)``: only the options, for bodies of their own.
- ``revoke_own(resource, what, id)``: the ``Change`` of a revoke verb (API keys, sessions).

The returned function has the verb's signature plus those options (``__signature__``), which
is all Typer reads. The client opens on first use of ``session.sdk``, so local checks written
before it fail before a missing sign-in does, as they always have.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import typer

from platform_cli.actions import change, find_listed, list_page, show_one
from platform_cli.context import (
    AllOption,
    Column,
    ColumnsOption,
    DryRunOption,
    JqOption,
    LimitOption,
    LongColumnsOption,
    OutputOption,
    TemplateOption,
    YesOption,
    connection,
    output,
)

if TYPE_CHECKING:
    from platform_cli.output import Output
    from platform_sdk import Client

_KW = inspect.Parameter.KEYWORD_ONLY


def option(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    """A shared option spec (``name: annotation = default``) that verbs add by decorator."""
    return inspect.Parameter(name, _KW, annotation=annotation, default=default)


def _flags(params: Sequence[inspect.Parameter]) -> set[str]:
    """The option names ``params`` take on the command line (``--category``, ``-c``)."""
    taken = set()
    for param in params:
        decls = [
            decl
            for meta in getattr(param.annotation, "__metadata__", ())
            for decl in (getattr(meta, "param_decls", None) or ())
        ]
        taken.update(decls or ["--" + param.name.replace("_", "-")])
    return taken


FORMAT = option("fmt", OutputOption, None)
COLUMNS = option("out_columns", ColumnsOption, None)
COLUMNS_LONG = option("out_columns", LongColumnsOption, None)
JQ = option("out_jq", JqOption, None)
TEMPLATE = option("out_template", TemplateOption, None)
# -o and what shapes the output (--jq, --template, --columns): every verb that prints data.
OUTPUT = [FORMAT, JQ, TEMPLATE, COLUMNS]
OUTPUT_NAMES = ("fmt", "out_jq", "out_template", "out_columns")


def _output_options(
    options: Sequence[inspect.Parameter], verb_own: Sequence[inspect.Parameter]
) -> list[inspect.Parameter]:
    """``options`` without the output options whose names the verb already uses for
    something else: ``notifications list --template`` is a filter, ``products list -c`` is
    ``--category`` (there --columns is long-only)."""
    taken = _flags([*verb_own, *(p for p in options if p.name not in OUTPUT_NAMES)])
    kept = []
    for param in options:
        if param is TEMPLATE and "--template" in taken:
            continue
        if param is JQ and "--jq" in taken:
            continue
        if param is COLUMNS and "--columns" in taken:
            continue
        kept.append(COLUMNS_LONG if param is COLUMNS and "-c" in taken else param)
    return kept


def shaped_output(ctx: typer.Context, options: Mapping[str, Any]) -> Output:
    """The Output of a verb from its output options (those of ``OUTPUT``)."""
    return output(
        ctx,
        options.get("fmt"),
        jq=options.get("out_jq"),
        template=options.get("out_template"),
        columns=options.get("out_columns"),
    )


def _command(
    fn: Callable[..., Any],
    skip: int,
    options: Sequence[inspect.Parameter],
    body: Callable[..., None],
    consumed: Sequence[str] = ("limit", "all_items", "yes", "dry_run", *OUTPUT_NAMES),
) -> Callable[..., None]:
    """``body(ctx, own_args, **options)`` behind the signature ``ctx, *fn's args, *options``.

    ``skip``: how many leading parameters of ``fn`` the decorator supplies (sdk, size, …).
    ``options`` come after fn's own; those the decorator does not consume itself (shared
    filters) reach ``fn`` through its ``**kwargs``.
    """
    own = [
        # Evaluated here, not with get_type_hints: the supplied parameters (sdk: Client) are
        # annotated with names imported only for type checking.
        p.replace(annotation=eval(p.annotation, fn.__globals__))  # noqa: S307
        if isinstance(p.annotation, str)
        else p
        for p in list(inspect.signature(fn).parameters.values())[skip:]
        if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    ]
    options = _output_options(options, own)
    names = {p.name for p in options if p.name in consumed}

    def command(ctx: typer.Context, **kwargs: Any) -> None:
        given = {k: v for k, v in kwargs.items() if k not in names}
        body(ctx, given, **{k: v for k, v in kwargs.items() if k in names})

    ctx_param = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ctx_param = ctx_param.replace(annotation=typer.Context)
    params = [ctx_param, *(p.replace(kind=_KW) for p in own), *options]
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = fn.__doc__
    command.__name__ = fn.__name__
    command.__module__ = fn.__module__
    return command


def listing(
    columns: Sequence[Column],
    *,
    empty: str,
    spinner: str = "Fetching…",
    authenticated: bool = True,
    limit: int = 20,
    filters: Sequence[inspect.Parameter] = (),
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Callable[[Callable[..., Iterable[Any]]], Callable[..., None]]:
    """A list verb from ``fetch(sdk, size, **args)``: the first ``--limit`` items, or ``--all``.

    ``prepare`` checks and converts the arguments before the client opens (a bad value is a
    usage error even when not signed in).
    """

    def wrap(fetch: Callable[..., Iterable[Any]]) -> Callable[..., None]:
        def body(
            ctx: typer.Context, args: dict[str, Any], *, limit: int, all_items: bool, **shape: Any
        ) -> None:
            if prepare is not None:
                args = prepare(args)
            list_page(
                ctx,
                shaped_output(ctx, shape),
                lambda sdk, size: fetch(sdk, size, **args),
                columns,
                limit=limit,
                all_items=all_items,
                empty=empty,
                spinner=spinner,
                authenticated=authenticated,
            )

        options = [
            *filters,
            option("limit", LimitOption, limit),
            option("all_items", AllOption, False),
            *OUTPUT,
        ]
        return _command(fetch, 2, options, body)

    return wrap


def showing(
    columns: Sequence[Column], *, spinner: str = "Fetching…", authenticated: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., None]]:
    """A verb that prints the one object ``call(sdk, **args)`` returns (a get, …)."""

    def wrap(call: Callable[..., Any]) -> Callable[..., None]:
        def body(ctx: typer.Context, args: dict[str, Any], **shape: Any) -> None:
            show_one(
                ctx,
                shaped_output(ctx, shape),
                lambda sdk: call(sdk, **args),
                columns,
                spinner=spinner,
                authenticated=authenticated,
            )

        return _command(call, 1, OUTPUT, body)

    return wrap


def printing(fn: Callable[..., None]) -> Callable[..., None]:
    """A command ``fn(ctx, out, **args)`` of its own making that prints through ``out``,
    the Output of its -o, --jq, --template and --columns (added here)."""

    def body(ctx: typer.Context, args: dict[str, Any], **shape: Any) -> None:
        fn(ctx, shaped_output(ctx, shape), **args)

    return _command(fn, 2, OUTPUT, body)


class Session:
    """What a verb body works with: its output, its options, and a client opened on first use."""

    def __init__(
        self,
        ctx: typer.Context,
        out: Output,
        *,
        dry_run: bool = False,
        yes: bool = False,
        authenticated: bool = True,
        limit: int = 20,
        all_items: bool = False,
    ) -> None:
        self.ctx = ctx
        self.out = out
        self.dry_run = dry_run
        self.yes = yes
        self.limit = limit
        self.all_items = all_items
        self._authenticated = authenticated
        self._client: Client | None = None

    @property
    def sdk(self) -> Client:
        if self._client is None:
            self._client = connection(self.ctx).client(authenticated=self._authenticated)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


@dataclass
class Change:
    """A change as ``actions.change`` runs it; what it prints afterwards is one of:
    ``done`` (a message, with ``record`` as the data of -o json), ``columns`` (the returned
    object), or ``show``."""

    action: str
    fetch: Callable[[], Any]
    call: Callable[[], Any]
    columns: Sequence[Column] = ()
    done: str | None = None
    record: Mapping[str, Any] | None = None
    show: Callable[[Any], None] | None = None
    after: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    preview: str | None = None
    spinner: str = "Saving…"


class Revocable(Protocol):
    """An SDK resource of the caller's own things that are revoked, not read one by one
    (``sdk.api_keys``, ``sdk.auth.sessions``)."""

    def list(self, *, limit: int) -> Iterable[Any]: ...

    def revoke(self, item_id: str, /) -> object: ...


def revoke_own(resource: Revocable, what: str, item_id: str) -> Change:
    """The change that revokes the caller's ``what`` (``API key``) ``item_id``: there is no
    GET of one, so --dry-run previews it as the list shows it."""
    return Change(
        action=f"revoke {what} {item_id}",
        fetch=lambda: find_listed(
            resource.list(limit=100), item_id, f"{what} {item_id} does not exist (or is not yours)"
        ),
        call=lambda: resource.revoke(item_id),
        spinner="Revoking…",
        done=f"Revoked {what} {item_id}.",
        record={"id": item_id, "revoked": True},
    )


def _run_change(session: Session, plan: Change, *, confirm: bool) -> None:
    out = session.out

    def show(result: Any) -> None:
        if plan.show is not None:
            plan.show(result)
        elif plan.done is not None:
            out.done(plan.done, dict(plan.record or {}))
        else:
            out.one(result, plan.columns)

    passed = ("action", "preview", "fetch", "call", "after", "spinner")
    change(
        out,
        show=show,
        yes=session.yes if confirm else None,
        dry_run=session.dry_run,
        **{name: getattr(plan, name) for name in passed},
    )


def verb(
    *,
    dry_run: bool = False,
    yes: bool = False,
    authenticated: bool = True,
    formats: bool = True,
    pages: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., None]]:
    """A verb whose ``body(session, **args)`` does its own work; adds -o (unless not
    ``formats``) and the flags asked for (``pages``: --limit/--all), read from the session.
    A body that returns a ``Change`` has it run (confirmed first when ``yes``)."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., None]:
        def body(ctx: typer.Context, args: dict[str, Any], **flags: Any) -> None:
            # flags: those of dry_run, yes, limit and all_items that the verb has, and OUTPUT's
            shape = {name: flags.pop(name) for name in OUTPUT_NAMES if name in flags}
            session = Session(ctx, shaped_output(ctx, shape), authenticated=authenticated, **flags)
            try:
                plan = fn(session, **args)
                if isinstance(plan, Change):
                    _run_change(session, plan, confirm=wants_yes)
            finally:
                session.close()

        wants_yes = yes
        added = []
        if pages:
            added += [option("limit", LimitOption, 20), option("all_items", AllOption, False)]
        if yes:
            added.append(option("yes", YesOption, False))
        if dry_run:
            added.append(option("dry_run", DryRunOption, False))
        if formats:
            added += OUTPUT
        return _command(fn, 1, added, body)

    return wrap


def changing(*, confirm: bool = False) -> Callable[[Callable[..., Any]], Callable[..., None]]:
    """A change verb from ``plan(session, **args) -> Change``: --dry-run previews it, and
    with ``confirm`` it asks first (--yes does not)."""
    return verb(dry_run=True, yes=confirm)
