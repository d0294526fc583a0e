"""``--jq``, ``--template`` and ``--columns``: what a command prints, shaped like gh does it.

- ``--jq EXPR`` runs a jq program (the ``jq`` package, the C jq) over the JSON output: the
  object of a show, or the array of a list. A string result prints bare, anything else as
  one line of JSON.
- ``--template TEXT`` renders a Jinja2 template per object (each item of a list): the
  object's fields are variables (``{{ id }}``), ``item`` is the whole object.
- ``--columns/-c id,total`` keeps only these fields, in this order, in any format.

jq and Jinja2 are imported only when their option is given, so start-up stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from platform_cli.context import Column

_MISSING = object()


def _find(data: Any, key: str) -> Any:
    value = data
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _usage(message: str) -> Exception:
    from platform_cli.errors import UsageError

    return UsageError(message)


@dataclass(frozen=True)
class Shape:
    jq: Any = None
    """The compiled jq program."""
    template: Any = None
    """The compiled Jinja2 template."""
    fields: tuple[str, ...] = ()
    format: str | None = None
    """The format Output uses instead of ``-o``: json with --jq or --template."""

    @classmethod
    def of(
        cls,
        *,
        jq: str | None = None,
        template: str | None = None,
        columns: Sequence[str] | None = None,
        fmt: str | None = None,
    ) -> Shape:
        """The shape the options ask for; a mistake in them is a usage error (exit code 2)."""
        fields = tuple(f.strip() for value in columns or () for f in value.split(",") if f.strip())
        if jq is None and template is None:
            return cls(fields=fields)
        if jq is not None and template is not None:
            raise _usage("give --jq or --template, not both")
        given = "--jq" if jq is not None else "--template"
        if fmt not in (None, "json"):
            raise _usage(f"{given} prints its own output; leave out -o {fmt}")
        if fields:
            raise _usage(f"{given} picks what to print itself; leave out --columns")
        if jq is not None:
            return cls(jq=_compile_jq(jq), format="json")
        return cls(template=_compile_template(str(template)), format="json")

    # -- --columns -----------------------------------------------------------------------

    def columns(self, declared: Sequence[Column] | None) -> list[Column]:
        """The columns of ``fields``: a declared column when its key or header matches
        (keeping how it renders), else one named after the key."""
        found = []
        for name in self.fields:
            match = next(
                (c for c in declared or () if name in (c.key, c.header.lower(), c.header)), None
            )
            header = name.replace("_", " ").replace(".", " ").upper()
            found.append(match or Column(header, name, _kind(name)))
        return found

    def select(self, data: Any, columns: Sequence[Column]) -> dict[str, Any]:
        """Only the fields of ``columns`` (dotted keys reach into nested objects)."""
        if not isinstance(data, Mapping):
            raise _usage("--columns needs objects with fields; this command prints values")
        picked = {}
        for col in columns:
            value = _find(data, col.key)
            if value is _MISSING:
                known = ", ".join(data)
                raise _usage(f"--columns: no field {col.key!r}; the fields are: {known}")
            picked[col.key] = value
        return picked

    # -- --jq and --template ---------------------------------------------------------------

    def print_jq(self, write: Callable[[str], None], data: Any) -> None:
        from platform_cli.errors import CLIError

        try:
            results = self.jq.input_value(data).all()
        except ValueError as exc:
            raise CLIError(f"--jq: {_first_line(exc)}") from None
        for result in results:
            text = result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)
            write(text + "\n")

    def render(self, data: Any) -> str:
        """The template rendered for one object, ending with a newline."""
        from jinja2 import TemplateError

        from platform_cli.errors import CLIError

        names = dict(data) if isinstance(data, Mapping) else {}
        try:
            text = str(self.template.render({**names, "item": data}))
        except TemplateError as exc:
            raise CLIError(f"--template: {exc}") from None
        return text if text.endswith("\n") else text + "\n"

    def print_one(self, write: Callable[[str], None], data: Any) -> None:
        """One object through --jq or --template."""
        if self.jq is not None:
            self.print_jq(write, data)
        else:
            write(self.render(data))

    def print_many(self, write: Callable[[str], None], items: Iterable[Any]) -> int:
        """A list through --jq (as one array) or --template (item by item)."""
        if self.jq is not None:
            data = list(items)
            self.print_jq(write, data)
            return len(data)
        count = 0
        for item in items:
            write(self.render(item))
            count += 1
        return count


def _kind(key: str) -> Any:
    last = key.rsplit(".", 1)[-1]
    if last.endswith("_at"):
        return "time"
    if last == "id" or last.endswith("_id"):
        return "id"
    return "text"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _compile_jq(expression: str) -> Any:
    try:
        import jq
    except ImportError:  # pragma: no cover - a dependency of the cli extra
        raise _usage("--jq needs the jq package: pip install jq") from None
    try:
        return jq.compile(expression)
    except ValueError as exc:
        raise _usage(f"--jq: {_first_line(exc)}") from None


def _ago(value: Any) -> str:
    """``{{ created_at | ago }}``: "3 minutes ago"."""
    from platform_cli.output import parse_time, relative_time

    when = parse_time(value)
    return relative_time(when) if when is not None else str(value)


def _compile_template(text: str) -> Any:
    from jinja2 import Environment, StrictUndefined, TemplateSyntaxError

    # Plain text out (no HTML escaping); a misspelt field is an error, not an empty string.
    env = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)  # noqa: S701
    env.filters["ago"] = _ago
    env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)
    try:
        return env.from_string(text)
    except TemplateSyntaxError as exc:
        raise _usage(f"--template: {exc.message} (line {exc.lineno})") from None
