"""What an action is: a plan the confirmation dialog shows, then runs.

A plan names exactly what will happen (with the values typed into its fields), shows the
equivalent ``platform …`` command, and holds the SDK call to make. No Textual here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

FieldKind = Literal["text", "int", "decimal", "choice", "checklist"]
Values = dict[str, Any]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = "text"
    default: str = ""
    required: bool = True
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    nonzero: bool = False
    hints: tuple[str, ...] = ()
    """For a checklist: what each choice means, shown beside it."""

    def parse(self, raw: str) -> Any:
        """The typed value, or ValueError with a short reason. A checklist's raw value is
        its ticked choices joined by commas; its value is their list, in choice order."""
        text = raw.strip()
        if self.kind == "checklist":
            ticked = {part.strip() for part in text.split(",") if part.strip()}
            unknown = sorted(ticked - set(self.choices))
            if unknown:
                raise ValueError(f"not a choice: {', '.join(unknown)}")
            if self.required and not ticked:
                raise ValueError("tick at least one")
            return [choice for choice in self.choices if choice in ticked]
        if not text:
            if self.required:
                raise ValueError("required")
            return None
        if self.kind == "int":
            try:
                number = int(text)
            except ValueError:
                raise ValueError("a whole number, e.g. 5 or -3") from None
            if self.nonzero and number == 0:
                raise ValueError("must not be 0")
            self._check_range(number)
            return number
        if self.kind == "decimal":
            try:
                amount = Decimal(text)
                if not amount.is_finite():  # NaN, Infinity
                    raise InvalidOperation
            except InvalidOperation:
                raise ValueError("an amount such as 12.50") from None
            self._check_range(amount)
            if amount.as_tuple().exponent < -2:  # type: ignore[operator]
                raise ValueError("at most 2 decimals")
            return amount
        if self.kind == "choice" and text not in self.choices:
            raise ValueError(f"one of {', '.join(self.choices)}")
        return text

    def _check_range(self, value: Decimal | int) -> None:
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"at most {self.maximum}")


@dataclass
class ActionPlan:
    title: str
    """Names the action and its target: ``Cancel order 3f2a1c9e``."""
    summary: Callable[[Values], str]
    """Exactly what will happen, given the values of the fields."""
    command: Callable[[Values], str]
    """The equivalent ``platform …`` command."""
    run: Callable[[Values], Awaitable[Any]]
    done: Callable[[Any], str]
    """The notification after success, given what the SDK returned."""
    fields: list[FormField] = field(default_factory=list)
    confirm_label: str = "Confirm"
    danger: bool = True
    followup: Callable[[Any], Awaitable[None]] | None = None
    """Run after success with what the SDK returned (a new API key's secret, shown once)."""

    def parse(self, raw: dict[str, str]) -> tuple[Values, dict[str, str]]:
        """Typed values and, per field, what is wrong with it."""
        values: Values = {}
        errors: dict[str, str] = {}
        for item in self.fields:
            try:
                values[item.name] = item.parse(raw.get(item.name, item.default))
            except ValueError as exc:
                errors[item.name] = str(exc)
                values[item.name] = raw.get(item.name, "")
        return values, errors
