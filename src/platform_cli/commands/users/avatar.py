"""`platform users avatar set|remove|download`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from platform_cli.commands.users.options import PROFILE_COLUMNS, UserId
from platform_cli.verbs import Session, verb

ForUser = Annotated[
    str, typer.Option("--user", "-u", help="Whose avatar: a user id (admins), or `me`.")
]


@verb()
def avatar_set(
    session: Session,
    path: Annotated[
        Path,
        typer.Argument(
            help="A JPEG, PNG or WebP file.", exists=True, dir_okay=False, readable=True
        ),
    ],
    user: ForUser = "me",
) -> None:
    """Upload an avatar (fitted in 512 px, metadata stripped), with a progress bar on
    a terminal; the profile's avatar URL then serves it."""
    avatar = session.sdk.users.avatar
    with session.out.progress(f"Uploading {path.name}") as progress:
        if user == "me":
            profile = avatar.set(path, progress=progress)
        else:
            profile = avatar.set_for(user, path, progress=progress)
    session.out.one(profile, PROFILE_COLUMNS)


@verb()
def avatar_remove(session: Session, user: ForUser = "me") -> None:
    """Remove an avatar and its stored file."""
    avatar = session.sdk.users.avatar
    with session.out.spinner("Deleting…"):
        profile = avatar.remove() if user == "me" else avatar.remove_for(user)
    session.out.one(profile, PROFILE_COLUMNS)


@verb(formats=False)
def avatar_download(
    session: Session,
    user_id: UserId,
    to: Annotated[Path, typer.Option("--output-file", "-O", help="Where to write.")],
) -> None:
    """Save a user's avatar to a file."""
    from platform_cli.commands.users.options import resolve_id

    sdk = session.sdk
    target = resolve_id(sdk, user_id)
    with session.out.progress(f"Downloading {to.name}") as progress:
        got = sdk.users.avatar.download(target, to, progress=progress)
    session.out.info(f"Saved {got.size_bytes} bytes ({got.content_type}) to {to}.")
