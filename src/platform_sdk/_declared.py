"""Resource methods without a body: what they send follows from their signature.

Decorated with ``@endpoint(METHOD, PATH)`` or ``@paginated(METHOD, PATH)``, a method whose
body is ``...`` (after its docstring) is read as follows:

- its first parameter fills ``{id}`` in the path (when the path has one), and a parameter
  named after another placeholder (``image_id``) fills that one;
- every other parameter is a field of the query (GET, DELETE) or of the JSON body (the
  other methods), ``None`` meaning "left out" as everywhere;
- ``**options`` are the request options;
- the return annotation names what parses the answer: ``Call[Product]`` or
  ``PageCall[Product]`` a model, ``Call[None]`` a 204.

So ``def get(self, job_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[BulkJob]: ...``
sends what the body ``return one(BulkJob, options, id=job_id)`` would. A method that
converts an argument, uploads, downloads or changes the client's tokens keeps a body built
with ``resources/_calls.py``. This module is imported on the first call of such a method.
(``...`` rather than the docstring alone: editors' checkers, pyright among them, take that
as a declaration; mypy is told so in ``pyproject.toml``.)
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._endpoints import Call, EndpointSpec, PageCall, no_content

_PLACEHOLDER = re.compile(r"{(\w+)}")
_QUERY_METHODS = frozenset({"GET", "DELETE", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Declaration:
    """What a bodiless method's signature says, read once, on its first call."""

    names: tuple[str, ...]
    """The named parameters (all but ``self`` and ``**options``), in order."""
    defaults: dict[str, Any]
    id_param: str | None
    path_params: tuple[str, ...]
    fields_in_query: bool
    page: bool
    parse: Callable[[Any], Any]

    @classmethod
    def of(cls, spec: EndpointSpec, fn: Callable[..., Any]) -> Declaration:
        returned = typing.get_type_hints(fn)["return"]
        (result,) = typing.get_args(returned)
        params = list(inspect.signature(fn).parameters.values())[1:]
        named = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
        names = tuple(p.name for p in named)
        placeholders = set(_PLACEHOLDER.findall(spec.path))
        id_param = names[0] if names and "id" in placeholders and "id" not in names else None
        return cls(
            names=names,
            defaults={p.name: p.default for p in named if p.default is not p.empty},
            id_param=id_param,
            path_params=tuple(n for n in names if n in placeholders and n != id_param),
            fields_in_query=spec.method in _QUERY_METHODS,
            page=typing.get_origin(returned) is PageCall,
            parse=no_content if result is type(None) else result.model_validate,
        )

    def call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Call[Any] | PageCall[Any]:
        """The call for arguments the method itself has already accepted (so every
        required one is there); keyword arguments it does not name are the options."""
        given = dict(zip(self.names, args, strict=False))
        options = {}
        for name, value in kwargs.items():
            if name in self.names:
                given[name] = value
            else:
                options[name] = value
        values = {
            name: given[name] if name in given else self.defaults[name] for name in self.names
        }
        path = {} if self.id_param is None else {"id": values.pop(self.id_param)}
        path.update((name, values.pop(name)) for name in self.path_params)
        parts: dict[str, Any] = {}
        if values:
            parts["query" if self.fields_in_query else "body"] = values
        if self.page:
            return PageCall(item=self.parse, path_params=path, options=options, **parts)
        return Call(parse=self.parse, path_params=path, options=options, **parts)
