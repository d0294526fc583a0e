"""Module ``__getattr__`` for packages whose public names load on first use (PEP 562).

``import platform_sdk`` then costs almost nothing: the async client, the pydantic models
and the webhook verifier are imported only when a program touches them, while every name
stays importable as before (``from platform_sdk import Client``, ``platform_sdk.models.X``).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, modules: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``; ``modules`` maps a relative module
    to the names it provides. A name equal to the module's own is the module itself."""
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        module_name = where.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(module_name, package)
        value = module if module_name.lstrip(".") == name else getattr(module, name)
        setattr(sys.modules[package], name, value)  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__


def loaded(module: str) -> Any | None:
    """The module if something already imported it, else ``None`` (never imports it).

    An instance of a class can only exist once the class's module was imported, so
    ``isinstance`` checks against optional heavy modules (pydantic) look here first.
    """
    return sys.modules.get(module)
