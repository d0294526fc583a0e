"""Image files for upload tests, made on the spot with Pillow (and a few bad ones by hand)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825


def picture(fmt: str = "JPEG", size: tuple[int, int] = (1200, 900), *, gps: bool = False) -> bytes:
    """A picture in `fmt`; with `gps`, EXIF naming a camera and a position."""
    image = Image.new("RGB", size, (200, 40, 40))
    for x in range(0, size[0], 50):
        image.paste((30, 30, 160), (x, 0, min(x + 25, size[0]), size[1]))
    options: dict[str, object] = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "Test Camera Maker"  # Make
        exif[GPS_IFD] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 17.0)}
        options["exif"] = exif
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def has_exif(data: bytes) -> bool:
    image = Image.open(io.BytesIO(data))
    return bool(image.getexif()) or "exif" in image.info


def size_of(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A one-pixel PNG whose header declares `width` x `height` (valid checksums)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    whole = picture("JPEG", (800, 600))
    return whole[: len(whole) // 2]


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
# The start of a Windows executable, named .jpg by whoever sends it.
FAKE_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program"
