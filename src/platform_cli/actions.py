"""The shapes command bodies share, so that each command states only what differs.

- ``list_page``: the first page under a spinner, then the items streamed (``--limit``/``--all``).
- ``show_one``: one SDK call under a spinner (get, create, …), then the object printed.
- ``change``: a change with ``--dry-run`` (fetch and preview, send nothing) and, for
  destructive ones, confirmation (``--yes``).
- ``find_listed``: an object of a list by id, to preview resources without a GET endpoint.

Like ``context``, this module imports only typer at start-up; the SDK and Rich load when a
command runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import typer

from platform_cli.context import client, confirm, page_size, take

if TYPE_CHECKING:
    from platform_cli.context import Column
    from platform_cli.output import Output
    from platform_sdk import Client

T = TypeVar("T")


class _HasId(Protocol):
    @property
    def id(self) -> object: ...


Item = TypeVar("Item", bound=_HasId)


def list_page(
    ctx: typer.Context,
    out: Output,
    fetch: Callable[[Client, int], Iterable[Any]],
    columns: Sequence[Column],
    *,
    limit: int,
    all_items: bool,
    empty: str,
    spinner: str = "Fetching…",
    authenticated: bool = True,
) -> None:
    """``fetch(sdk, page_size)`` under ``spinner``, then stream ``limit`` items (all with --all).

    The SDK pages lazily, so ``--all`` walks every page in constant memory.
    """
    with client(ctx, authenticated=authenticated) as sdk:
        with out.spinner(spinner):
            page = fetch(sdk, page_size(limit, all_items))
        out.many(take(page, limit, all_items), columns, empty=empty)


def show_one(
    ctx: typer.Context,
    out: Output,
    call: Callable[[Client], Any],
    columns: Sequence[Column],
    *,
    spinner: str = "Fetching…",
    authenticated: bool = True,
) -> None:
    """``call(sdk)`` under ``spinner`` (a get, a create, …), then print the object it returns."""
    with client(ctx, authenticated=authenticated) as sdk, out.spinner(spinner):
        result = call(sdk)
    out.one(result, columns)


def change(
    out: Output,
    *,
    action: str,
    fetch: Callable[[], Any],
    call: Callable[[], T],
    show: Callable[[T], None],
    dry_run: bool,
    yes: bool | None = None,
    after: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    preview: str | None = None,
    spinner: str = "Saving…",
) -> None:
    """One change through an open client, the same way in every command.

    With ``dry_run``: ``fetch()`` the object under a spinner (one that does not exist fails
    as usual), print the preview titled ``preview`` (default: ``action``), and send
    nothing. The preview is a before/after diff when ``after`` maps the object's data to
    the changed data, else the object as the request.

    Otherwise: ask before ``action`` when ``yes`` is not None (destructive changes pass
    their ``--yes``), ``call()`` under ``spinner`` and ``show`` what it returns.
    """
    if dry_run:
        with out.spinner("Fetching…"):
            data = fetch().model_dump(mode="json")
        if after is None:
            out.dry_run(preview or action, request=data)
        else:
            out.dry_run(preview or action, before=data, after=after(data))
        return
    if yes is not None:
        confirm(action, yes=yes)
    with out.spinner(spinner):
        result = call()
    show(result)


def find_listed(items: Iterable[Item], item_id: str, missing: str) -> Item:
    """The item of ``items`` with id ``item_id``; else NotFound(``missing``), exit code 5."""
    found = next((item for item in items if str(item.id) == item_id), None)
    if found is None:
        from platform_cli.errors import NotFound

        raise NotFound(missing)
    return found
