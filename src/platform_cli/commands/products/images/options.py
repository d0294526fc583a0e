"""What the verbs of `platform products images` share."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.context import columns

COLUMNS = columns(
    "ID=id:id, FILE=filename, TYPE=content_type, BYTES=size_bytes, WIDTH=width, "
    "HEIGHT=height, PRIMARY=is_primary:bool, POSITION=position, URL=url"
)
ImageId = Annotated[str, typer.Argument(help="Image id.", show_default=False)]
