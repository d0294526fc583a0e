"""What the verbs of `platform products` share: columns, option specs and local checks."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from platform_cli.context import columns, parse_money
from platform_cli.params import opt
from platform_cli.refs import ProductRef
from platform_cli.verbs import option

Status = Literal["active", "archived"]


class Sort(StrEnum):
    price = "price"
    price_desc = "-price"
    name = "name"
    name_desc = "-name"
    created_at = "created_at"
    created_at_desc = "-created_at"
    relevance = "relevance"


ProductId = ProductRef  # a SKU, an id, or an id prefix
CategoryFilter = Annotated[str | None, opt("--category", "-c", help="Only this category.")]
StatusFilter = Annotated[
    Status | None, opt(help="Only this status (staff; others see active products).")
]


def _money(name: str, help_text: str) -> Any:
    return Annotated[Decimal | None, opt(name, parser=parse_money, help=help_text)]


# The filters of `list` and `search`, in the order --help shows them.
FILTERS = [
    option("category", CategoryFilter),
    option("min_price", _money("--min-price", "Price at least (e.g. 10).")),
    option("max_price", _money("--max-price", "Price at most (e.g. 99.99).")),
    option(
        "in_stock",
        Annotated[
            bool | None,
            opt(
                "--in-stock/--out-of-stock", help="Only products with (or without) units available."
            ),
        ],
    ),
    option("status", StatusFilter),
]


def sort_option(default_help: str) -> Any:
    return option("sort", Annotated[Sort | None, opt(help=default_help)])


_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


COLUMNS = columns(
    "ID=id:id, SKU=sku, NAME=name, CATEGORY=category, PRICE=price, CURRENCY=currency, "
    "AVAILABLE=inventory.available, STATUS=status:status, CREATED=created_at:time"
)


def validate_fields(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """The server's rules for product fields, checked locally for ``--dry-run``."""
    errors: list[tuple[str, str]] = []
    sku = fields.get("sku")
    if sku is not None and (not _SKU.match(sku) or len(sku) > 64):
        errors.append(("body.sku", "1-64 letters, digits, '.', '_' or '-', not starting with one"))
    for name, most in (("name", 255), ("category", 100)):
        value = fields.get(name)
        if value is not None and not 1 <= len(value.strip()) <= most:
            errors.append((f"body.{name}", f"must be 1-{most} characters"))
    description = fields.get("description")
    if description is not None and len(description) > 5000:
        errors.append(("body.description", "at most 5000 characters"))
    currency = fields.get("currency")
    if currency is not None and not _CURRENCY.match(currency):
        errors.append(("body.currency", "an ISO 4217 code such as USD"))
    price = fields.get("price")
    if isinstance(price, Decimal):
        exponent = price.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > 4:
            errors.append(("body.price", "at most 4 decimal places"))
        if len(price.as_tuple().digits) > 14:
            errors.append(("body.price", "at most 14 digits"))
    attributes = fields.get("attributes")
    if attributes is not None and len(attributes) > 50:
        errors.append(("body.attributes", "at most 50 attributes"))
    return errors


def parse_attrs(pairs: list[str] | None) -> dict[str, str | None]:
    """``--attr KEY=VALUE`` options; ``KEY=`` (empty value) means "remove KEY" on update."""
    from platform_cli.errors import UsageError

    attrs: dict[str, str | None] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--attr takes KEY=VALUE, got {pair!r}")
        attrs[key.strip()] = value if value != "" else None
    return attrs


def json_ready(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in fields.items()}
