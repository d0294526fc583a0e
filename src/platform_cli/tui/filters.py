"""Filter text (``/status:paid ada@example.com``) → keyword arguments of an SDK list call.

A view declares the keys it understands; ``key:value`` (or ``key=value``) sets one, a bare
word that is one of a key's choices (``pending``) sets that key, and the remaining words go
to the view's free-text key (``q`` for orders, users and products). Filtering always
happens on the server: the view passes the parsed arguments to ``list()``.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class FilterError(ValueError):
    """The filter text cannot be understood; the message says why and what would work."""


@dataclass(frozen=True)
class FilterKey:
    name: str
    param: str
    choices: tuple[str, ...] = ()
    help: str = ""
    convert: Callable[[str], Any] | None = None
    """Turns the text into the SDK value; raises ValueError with a reason when it is bad."""
    multiple: bool = False
    """Several values collect into a list (``type:order.paid type:order.created``)."""
    bare: bool = True
    """A bare word equal to one of ``choices`` sets this key."""

    def value(self, text: str) -> Any:
        if self.convert is not None:
            try:
                return self.convert(text)
            except ValueError as exc:
                raise FilterError(f"{self.name}: {exc}") from None
        if self.choices and text not in self.choices:
            raise FilterError(f"{self.name} is one of: {', '.join(self.choices)} (not {text!r})")
        return text


@dataclass(frozen=True)
class ParsedFilter:
    params: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    """The filter as the user would type it again, normalised (shown in the status line)."""

    def __bool__(self) -> bool:
        return bool(self.params)


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote while typing: plain words are good enough
        return text.split()


def _join(words: list[str]) -> str:
    return " ".join(shlex.quote(w) if (" " in w or not w) else w for w in words)


@dataclass(frozen=True)
class FilterSpec:
    keys: tuple[FilterKey, ...] = ()
    text_key: str | None = None
    """The key that receives words which are neither ``key:value`` nor a known choice."""

    def key(self, name: str) -> FilterKey | None:
        lowered = name.lower()
        return next((k for k in self.keys if k.name == lowered), None)

    def parse(self, text: str) -> ParsedFilter:
        params: dict[str, Any] = {}
        shown: list[str] = []
        free: list[str] = []

        def put(key: FilterKey, raw: str) -> None:
            value = key.value(raw)
            if key.multiple:
                values = value if isinstance(value, list) else [value]
                existing = params.setdefault(key.param, [])
                existing.extend(v for v in values if v not in existing)
            else:
                params[key.param] = value

        for word in _split(text):
            name, sep, raw = word.partition(":")
            if not sep:
                name, sep, raw = word.partition("=")
            key = self.key(name) if sep else None
            if key is not None:
                if not raw:
                    raise FilterError(f"{key.name}: needs a value ({key.name}:VALUE)")
                put(key, raw)
                shown.append(f"{key.name}:{raw}")
                continue
            bare = next(
                (k for k in self.keys if k.bare and k.choices and word.lower() in k.choices), None
            )
            if bare is not None:
                put(bare, word.lower())
                shown.append(word.lower())
                continue
            free.append(word)
        if free:
            target = self.key(self.text_key) if self.text_key else None
            if target is None:
                known = ", ".join(f"{k.name}:" for k in self.keys) or "none"
                raise FilterError(f"unknown filter {' '.join(free)!r}; keys: {known}")
            if target.multiple:
                for word in free:
                    put(target, word)
            else:
                put(target, " ".join(free))
            shown.extend(free)
        return ParsedFilter(params, _join(shown))

    def candidates(self, text: str) -> list[str]:
        """Every completion of the word being typed, as the whole text it would become."""
        head, _, last = text.rpartition(" ")
        prefix = f"{head} " if head else ""
        name, sep, raw = last.partition(":")
        out: list[str] = []
        if sep:
            key = self.key(name)
            if key is not None:
                out = [f"{prefix}{key.name}:{c}" for c in key.choices if c.startswith(raw)]
            return [c for c in out if c != text]
        lowered = last.lower()
        for key in self.keys:
            if key.name.startswith(lowered):
                out.append(f"{prefix}{key.name}:")
        for key in self.keys:
            if key.bare:
                out.extend(f"{prefix}{c}" for c in key.choices if lowered and c.startswith(lowered))
        return [c for c in dict.fromkeys(out) if c != text]

    def help_lines(self) -> list[str]:
        lines = []
        for key in self.keys:
            choices = (
                f" ({', '.join(key.choices)})" if key.choices and len(key.choices) <= 10 else ""
            )
            lines.append(f"{key.name}:VALUE  {key.help}{choices}")
        if self.text_key:
            target = self.key(self.text_key)
            if target is not None:
                lines.append(f"other words  → {target.name}: {target.help}")
        return lines


# -- converters for filter keys --------------------------------------------------------------------


def uuid_value(text: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValueError(f"{text!r} is not an id (a UUID)") from None


def order_number(text: str) -> int:
    """``#1001`` or ``1001``."""
    digits = text.strip().removeprefix("#")
    if not digits.isdigit() or int(digits) < 1:
        raise ValueError(f"{text!r} is not an order number (such as #1001)")
    return int(digits)


def date_value(text: str) -> Any:
    """``2026-11-25`` or ``2026-11-25T14:00`` (UTC without an offset)."""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date such as 2026-11-25") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def bool_value(text: str) -> bool:
    lowered = text.lower()
    if lowered in {"yes", "true", "1", "y", "on"}:
        return True
    if lowered in {"no", "false", "0", "n", "off"}:
        return False
    raise ValueError(f"{text!r} is not yes or no")


def created_between(
    after: str = "created on/after", before: str = "created before"
) -> tuple[FilterKey, FilterKey]:
    """The ``after:`` and ``before:`` keys (dates) over ``created_at``, with their help."""
    return (
        FilterKey("after", "created_after", convert=date_value, help=after),
        FilterKey("before", "created_before", convert=date_value, help=before),
    )
