"""Money: `Decimal` end to end, rounded half-even in this one place, a string on the wire."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer

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
]


def _supported(code: str) -> str:
    if code not in SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported currency {code}")
    return code


# Output: always a decimal string. Input: a decimal string (or a JSON number).
MoneyOut = Annotated[Decimal, PlainSerializer(to_wire, return_type=str)]
MoneyIn = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=4, description='A decimal string, e.g. "19.99"'),
    AfterValidator(_finite),
]
