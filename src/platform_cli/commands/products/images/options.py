"""What the verbs of `platform products images` share."""

from __future__ import annotations

from typing import Annotated

from platform_cli.context import columns
from platform_cli.params import arg

COLUMNS = columns(
    "ID=id:id, FILE=filename, TYPE=content_type, BYTES=size_bytes, WIDTH=width, "
    "HEIGHT=height, PRIMARY=is_primary:bool, POSITION=position, URL=url"
)
ImageId = Annotated[str, arg(help="Image id.")]
