"""`platform categories rename`."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.commands.categories.list import COLUMNS
from platform_cli.params import arg
from platform_cli.verbs import Change, Session, changing


@changing(confirm=True)
def rename(
    session: Session,
    name: Annotated[str, arg(help="The category to rename.")],
    new_name: Annotated[str, arg(help="Its new name.")],
    merge: Annotated[
        bool,
        typer.Option(
            "--merge", help="Allow a new name that already has products: the two become one."
        ),
    ] = False,
) -> Change:
    """Rename a category: every product in it, archived ones too, moves to the new name."""
    from platform_cli.actions import find_listed

    sdk = session.sdk
    return Change(
        action=f"rename category {name!r} to {new_name!r} (every product in it)",
        fetch=lambda: find_listed(
            sdk.categories.list(limit=100), name, f"no product has the category {name!r}", by="name"
        ),
        after=lambda data: {**data, "name": new_name},
        call=lambda: sdk.categories.rename(name, new_name, merge=merge or None),
        columns=COLUMNS,
        spinner="Renaming…",
    )
