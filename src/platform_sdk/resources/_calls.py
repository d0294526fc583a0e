"""Building the call a resource method returns, with each part written once.

For the methods whose signature does not say it all (an argument converted, a file
uploaded or downloaded, a custom parse); the others have no body (``_declared.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .._endpoints import Call, Missing, PageCall, no_content
from .._files import Download, Downloaded, FileSource, FileTarget, Upload
from .._types import DownloadOptions, UploadOptions

if TYPE_CHECKING:
    from ..models import PlatformModel

PM = TypeVar("PM", bound="PlatformModel")


def one(
    model: type[PM],
    options: Mapping[str, Any],
    *,
    id: object = None,
    path: Mapping[str, object] | None = None,
    **parts: Any,
) -> Call[PM]:
    """The usual :class:`Call`: answered by a ``model``, ``id`` filling ``{id}`` in the path
    (and ``path`` any other parameters of it).

    ``parts`` are further fields of the call (``body``, ``query``, ``auth_effect``, ``upload``).
    """
    params = {**_id(id), **(path or {})}
    return Call(parse=model.model_validate, path_params=params, options=options, **parts)


def many(
    model: type[PM], options: Mapping[str, Any], *, id: object = None, **parts: Any
) -> PageCall[PM]:
    """The usual :class:`PageCall`: a page of ``model`` items (see :func:`one`)."""
    return PageCall(item=model.model_validate, path_params=_id(id), options=options, **parts)


def only(
    model: type[PM], options: Mapping[str, Any], missing: str, query: Mapping[str, object]
) -> Call[PM]:
    """A :class:`Call` of a list filtered to at most one item (by a unique field): that
    item, or ``NotFoundError`` with the ``missing`` message."""

    def parse(body: Any) -> PM:
        items = body.get("data") if isinstance(body, dict) else None
        if not items:
            raise Missing(missing)
        return model.model_validate(items[0])

    return Call(parse=parse, query={**query, "limit": 1}, options=options)


def nothing(
    options: Mapping[str, Any],
    *,
    id: object = None,
    path: Mapping[str, object] | None = None,
    **parts: Any,
) -> Call[None]:
    """A :class:`Call` answered by 204 No Content (see :func:`one`)."""
    params = {**_id(id), **(path or {})}
    return Call(parse=no_content, path_params=params, options=options, **parts)


def uploaded(
    model: type[PM],
    file: FileSource,
    options: UploadOptions,
    *,
    id: object = None,
    form: Mapping[str, str] | None = None,
) -> Call[PM]:
    """An upload answered by ``model``: ``file`` (a path or a binary file object) sent as
    multipart/form-data under the ``filename`` of ``options``, reported to their
    ``progress``, beside the fields of ``form``; the other options are the request's."""
    request = {key: value for key, value in options.items() if key not in ("filename", "progress")}
    filename, progress = options.get("filename"), options.get("progress")
    upload = Upload.of(file, filename=filename, progress=progress, form=form)
    return one(model, request, id=id, upload=upload)


def saved(
    options: DownloadOptions, to: FileTarget, *, accept: str, path: Mapping[str, object]
) -> Call[Downloaded]:
    """A download: the body streamed to ``to`` (a path or a binary file object), reported
    to the ``progress`` of ``options``; the others are the request's."""
    request = {key: value for key, value in options.items() if key != "progress"}
    download = Download(to, options.get("progress"))
    return Call(
        parse=_streamed, accept=accept, path_params=dict(path), options=request, download=download
    )


def _streamed(_body: object) -> Downloaded:
    raise AssertionError("a download's body is streamed to its target, never parsed")


def _id(value: object) -> dict[str, object]:
    return {} if value is None else {"id": value}


def fields(scope: Mapping[str, object], *skip: str) -> dict[str, object]:
    """A method's arguments as a query or body: ``fields(locals(), "order_id")``.

    Called first thing in a method, ``locals()`` holds its parameters only, so each
    query or body field is named once, in the signature. ``self``, ``options`` and the
    names in ``skip`` (path parameters) are left out.
    """
    return {k: v for k, v in scope.items() if k not in ("self", "options", *skip)}
