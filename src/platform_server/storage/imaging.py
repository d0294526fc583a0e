"""Checking an uploaded image and making what is stored of it, with Pillow.

The type is decided by the bytes (Pillow's decoders for JPEG, PNG and WebP only),
never by the file name or the Content-Type header. The stored original is re-encoded
from the pixels, so no EXIF block (camera, GPS position) or text chunk survives; its
orientation is applied first, so the picture still stands the right way up. Variants
fit inside 800 and 200 pixel squares and are never enlarged. CPU-bound: callers run
`process` in a worker thread.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from platform_server.core.errors import ProblemError, Unprocessable

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
VARIANTS = (800, 200)


@dataclass(frozen=True, slots=True)
class Rendition:
    name: str  # "original", "800", "200"
    data: bytes
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Processed:
    content_type: str
    extension: str
    renditions: tuple[Rendition, ...]

    @property
    def original(self) -> Rendition:
        return self.renditions[0]


class UnsupportedImage(ProblemError):
    status = 415


def _refuse(detail: str) -> Unprocessable:
    return Unprocessable(detail, errors=[{"loc": ["body", "file"], "msg": detail}])


def process(
    data: bytes, *, max_pixels: int, sizes: tuple[int, ...] = VARIANTS, fit: int | None = None
) -> Processed:
    """The stored renditions of `data` (the original, fitted in a `fit` px square when
    given, then one per size in `sizes`), or a 415 (not a JPEG, PNG or WebP image) or a
    422 (truncated, corrupt, or more pixels than `max_pixels`)."""
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own pixel limit and raises past twice it; ours is
            # checked below from the header, before any pixel is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except UnidentifiedImageError:
        raise UnsupportedImage(
            "The file is not a JPEG, PNG or WebP image.",
            errors=[{"loc": ["body", "file"], "msg": "not a JPEG, PNG or WebP image"}],
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(f"The image has more than {max_pixels} pixels.") from None
    fmt = image.format or ""
    if fmt not in FORMATS:
        raise UnsupportedImage("The file is not a JPEG, PNG or WebP image.")
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise _refuse(f"The image has more than {max_pixels} pixels ({width} x {height}).")
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _refuse(f"The image is truncated or corrupt ({exc}).") from None
    if getattr(image, "is_animated", False):
        raise _refuse("Animated images are not accepted.")
    if fit is not None:
        upright = upright.copy()
        upright.thumbnail((fit, fit), Image.Resampling.LANCZOS)
    renditions = [_encode("original", upright, fmt)]
    for side in sizes:
        smaller = upright.copy()
        smaller.thumbnail((side, side), Image.Resampling.LANCZOS)
        renditions.append(_encode(str(side), smaller, fmt))
    return Processed(FORMATS[fmt], EXTENSIONS[fmt], tuple(renditions))


def _encode(name: str, image: Image.Image, fmt: str) -> Rendition:
    out = io.BytesIO()
    picture = image
    if fmt == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    options: dict[str, object] = {"optimize": True}
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = 90
    # No `exif=`, `icc_profile` kept for colour: metadata is dropped by re-encoding.
    icc = image.info.get("icc_profile")
    if icc:
        options["icc_profile"] = icc
    picture.save(out, format=fmt, **options)
    return Rendition(name, out.getvalue(), picture.width, picture.height)
