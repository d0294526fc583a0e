"""Money: `Decimal` end to end, rounded half-even in this one place, a string on the wire."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema

# Minor-unit exponents that differ from the usual two decimal places.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "HUF": 2, "BHD": 3, "KWD": 3}
SUPPORTED_CURRENCIES = frozenset(
    {
        "USD",
        "EUR",
        "GBP",
        "CHF",
        "CAD",
        "AUD",
        "NZD",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "JPY",
        "KRW",
        "INR",
        "BRL",
        "MXN",
        "ZAR",
        "SGD",
        "HKD",
        *_EXPONENTS,
    }
)


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half to even (banker's rounding)."""
    return amount.quantize(Decimal(1).scaleb(-exponent(currency)), rounding=ROUND_HALF_EVEN)


def to_wire(amount: Decimal) -> str:
    return f"{amount:f}"


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


Currency = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code", examples=["USD"]),
    AfterValidator(lambda c: _supported(c)),
    # The document lists exactly the codes the server takes.
    WithJsonSchema(
        {"type": "string", "enum": sorted(SUPPORTED_CURRENCIES), "description": "ISO 4217 code"}
    ),
]


def _supported(code: str) -> str:
    if code not in SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported currency {code}")
    return code


# Up to 10 integer digits (the money columns) and 4 decimal places.
MONEY_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,4})?$"
_MONEY = re.compile(r"[0-9]{1,10}(\.[0-9]{1,4})?")


def _decimal_string(value: object) -> object:
    """Input money is a plain decimal string, exactly as the document's pattern says:
    no JSON number (a float is not money), no sign, exponent or blank."""
    if isinstance(value, Decimal):  # built in Python, not read from the wire
        return value
    if not isinstance(value, str) or not _MONEY.fullmatch(value):
        raise ValueError('must be a decimal string such as "19.99" (up to 4 decimal places)')
    return value


# Output: always a decimal string. Input: a decimal string matching MONEY_PATTERN.
MoneyOut = Annotated[Decimal, PlainSerializer(to_wire, return_type=str)]
MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_decimal_string),
    AfterValidator(_finite),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "description": 'A decimal string, e.g. "19.99"',
            "examples": ["19.99"],
        }
    ),
]
