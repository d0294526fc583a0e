"""Base schemas: strict input (unknown fields rejected), ORM-friendly output."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from platform_server.core.money import quantize

# NUL and lone surrogates cannot be stored (PostgreSQL text, UTF-8): refuse them as input.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


# A tuple of types, not `list | tuple`: isinstance against a union is ~3x slower, and
# this runs on every field of every input (100,000 times a bulk import's 10,000 rows).
_SEQUENCES = (list, tuple)


def _reject_unstorable(value: Any) -> None:
    if isinstance(value, str) and _UNSTORABLE.search(value):
        raise ValueError("must not contain NUL characters or lone surrogates")
    if isinstance(value, _SEQUENCES):
        for item in value:
            _reject_unstorable(item)


_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_text(value: Any) -> Any:
    """A time is ISO 8601 text; pydantic alone would also read `0.5` as a Unix time."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_TIME.match(value):
        raise ValueError("must be an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z")
    return value


# A time as input (a filter, an expiry): ISO 8601 text, as the document says.
Instant = Annotated[
    datetime, BeforeValidator(_iso_text), WithJsonSchema({"type": "string", "format": "date-time"})
]


@cache
def _json_kind(model: type[BaseModel], field: str) -> type | None:
    """`bool` or `int` when the field is a JSON boolean or integer (optional or not),
    else None; worked out once per model and field, as it runs on every input."""
    annotation = model.model_fields[field].annotation
    options = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    # `Annotated[int, Field(...)] | None`: the type under the constraints.
    kinds = {get_args(a)[0] if get_origin(a) is Annotated else a for a in options}
    return bool if kinds == {bool} else int if kinds == {int} else None


def _json_type(kind: type | None, value: Any) -> None:
    """A JSON boolean or integer field takes only that JSON type: pydantic alone would
    also take "true", 1 or "5", which the document does not allow."""
    if value is None or kind is None:
        return
    if kind is bool and not isinstance(value, bool):
        raise ValueError("must be true or false")
    # 3.0 is an integer in JSON Schema; "3", 3.5 and true are not.
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind is int and (isinstance(value, bool) or not whole):
        raise ValueError("must be a whole number")


# A DNS label (at most 62 characters) with no "--", which would allow IDNA's "xn--"
# (punycode the URL parser refuses when it does not decode).
_LABEL = r"[A-Za-z0-9]{1,20}(-[A-Za-z0-9]{1,20}){0,2}"
# The last label starts with a letter: the URL standard reads a host whose last label
# is a number ("a.5", "a.0x1", "09") as an IPv4 address, and refuses it when invalid.
_LAST_LABEL = r"[A-Za-z][A-Za-z0-9]{0,19}(-[A-Za-z0-9]{1,20}){0,2}"
# An http(s) URL as the document states it: every URL it allows the server takes (the
# server takes more, an IP address for one, and checks more: see each field).
HTTP_URL_PATTERN = (
    rf"^https?://({_LABEL}\.){{0,2}}{_LAST_LABEL}(:[1-9][0-9]{{0,3}})?(/[A-Za-z0-9._~-]*)*$"
)
_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _http_url(value: str) -> str:
    _HTTP_URL.validate_python(value)
    return value  # as given: the normalised form may be longer than the limit


# Text taken exactly as sent, surrounding white space included: a password's spaces are
# characters like any other, and stripping them would make the document's lengths untrue.
ExactText = Annotated[str, StringConstraints(strip_whitespace=False)]

# An http(s) URL kept exactly as sent.
HttpUrlText = Annotated[
    str, Field(json_schema_extra={"pattern": HTTP_URL_PATTERN}), AfterValidator(_http_url)
]


# What the server strips from the ends of text (pydantic's `str_strip_whitespace`: the
# Unicode White_Space characters), spelled out: `\s` means more in Python (U+001C-U+001F)
# and in ECMA-262 (U+FEFF), so a pattern `\S` would let a generator and the server
# disagree on whether a string of those is blank.
_STRIPPED = r"\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK_PATTERN = rf"[^{_STRIPPED}]"


def _not_blank(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Text is stripped before its length is checked: a required character is a
    character other than white space, and the document says so."""
    for prop in schema.get("properties", {}).values():
        for option in [prop, *prop.get("anyOf", [])]:
            if option.get("type") == "string" and option.get("minLength") == 1:
                option.setdefault("pattern", NOT_BLANK_PATTERN)


# The start of an id, as a person types it from a list: 8 to 32 hex digits, each
# optionally followed by a dash (so the pattern alone bounds the digits).
IdPrefix = Annotated[
    str,
    Field(
        min_length=8,
        max_length=36,
        pattern=r"^(?:[0-9a-fA-F]-?){8,32}$",
        description="The first 8 or more hex digits of an id (dashes optional)",
    ),
]


class InputModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=_not_blank
    )

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any, info: ValidationInfo) -> Any:
        _reject_unstorable(value)
        if info.field_name is not None:
            _json_type(_json_kind(cls, info.field_name), value)
        return value


def _drop_null(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The document says what the server takes: no null where a patch refuses one."""
    _not_blank(schema, model)
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf")
        if name in nullable or not options:
            continue
        kept = [o for o in options if o != {"type": "null"}]
        prop.pop("anyOf")
        if prop.get("default", "") is None:
            prop.pop("default")
        if len(kept) == 1:
            prop.update({k: v for k, v in kept[0].items() if k not in prop})
        else:
            prop["anyOf"] = kept


class PatchModel(InputModel):
    """A partial update: any field may be left out, none may be null (but those named in
    `NULLABLE`, where null clears the value); the schema says so too."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=_drop_null
    )

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("may not be null; leave the field out to keep its value")
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
