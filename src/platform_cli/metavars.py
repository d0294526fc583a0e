"""What an option's value looks like in ``--help``: ``--order-id ID``, ``--amount AMOUNT``,
``--created-after DATE`` instead of Typer's Python types (``<str>``, ``<list[str]>``).

Decided once, from the option's name and Typer's view of its annotation, for every
command (``lazy.py`` applies it); an option that declares its own ``metavar``
(``--item SKU:QTY``) keeps it, and a choice keeps Typer's list of its values (``<table|json|…>``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

_MONEY = ("amount", "price", "total")
_DATES = ("after", "before", "since", "until", "date", "_at")
# Options whose name says the shape.
_BY_NAME = {
    "sku": "SKU",
    "currency": "CODE",
    "country": "CODE",
    "attr": "KEY=VALUE",
    "event": "EVENT",
    "events": "EVENT",
    "type": "TYPE",
    "scope": "SCOPE",
}


def metavar_for(param: Any) -> str | None:
    """The metavar to show for a Typer option, or None to leave Typer's rendering."""
    desc = param.type_descriptor  # Typer's view of the annotation (public attribute)
    if desc.is_choice:
        return None
    name = (param.name or "").lower()
    annotation = desc.annotation
    if desc.is_list:
        (annotation,) = getattr(annotation, "__args__", (str,))
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.endswith("_country"):
        return "CODE"
    if name == "id" or name.endswith(("_id", "_ids")):
        return "ID"
    if name.startswith(_MONEY) or name.endswith(tuple(f"_{m}" for m in _MONEY)):
        return "AMOUNT"
    if desc.is_datetime or name.endswith(_DATES):
        return "DATE"
    if name.endswith("json"):
        return "JSON"
    if "email" in name:
        return "EMAIL"
    if name.endswith("url"):
        return "URL"
    if desc.is_path:
        return "PATH"
    if annotation is int:
        return "N"
    if annotation in (float, Decimal):
        return "NUMBER"
    return "TEXT"
