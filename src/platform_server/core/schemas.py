"""Base schemas: strict input (unknown fields rejected), ORM-friendly output."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from platform_server.core.money import quantize

# NUL and lone surrogates cannot be stored (PostgreSQL text, UTF-8): refuse them as input.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _reject_unstorable(value: Any) -> None:
    if isinstance(value, str) and _UNSTORABLE.search(value):
        raise ValueError("must not contain NUL characters or lone surrogates")
    if isinstance(value, list | tuple):
        for item in value:
            _reject_unstorable(item)


class InputModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        _reject_unstorable(value)
        return value


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PricedOut(OutputModel):
    """An output with amounts in its `currency`: the fields named in `MONEY`, and the `price`
    and `subtotal` of each order item in the list named `ITEMS`, are rounded to the
    currency's minor unit (the database keeps four places; the wire shows the currency's)."""

    MONEY: ClassVar[tuple[str, ...]] = ()
    ITEMS: ClassVar[str] = ""

    if TYPE_CHECKING:
        currency: str

    @model_validator(mode="after")
    def _minor_units(self) -> Self:
        for name in self.MONEY:
            setattr(self, name, quantize(getattr(self, name), self.currency))
        for item in getattr(self, self.ITEMS) if self.ITEMS else ():
            item.price = quantize(item.price, self.currency)
            item.subtotal = quantize(item.subtotal, self.currency)
        return self


class AcceptedOut(OutputModel):
    """A request taken in (202) whose outcome is not told: the same answer whatever the
    input (registration, verification and password-reset emails)."""

    detail: str
