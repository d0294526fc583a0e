"""The SDK's static types, checked by mypy: request bodies refuse unknown keys, async lists
are awaitable and async-iterable. ``tests/sdk/typing/bodies.py`` marks each statement mypy
must refuse with a ``# E: <error code>`` line above it; the rest must pass ``mypy --strict``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

CHECKED = Path(__file__).parent / "typing" / "bodies.py"


def test_mypy_refuses_unknown_keys_and_accepts_both_async_list_forms() -> None:
    expected: dict[int, set[str]] = {}
    for number, line in enumerate(CHECKED.read_text().splitlines(), start=1):
        marked = re.fullmatch(r"\s*# E: ([\w-]+)", line)
        if marked:
            expected[number + 1] = {marked.group(1)}
    assert len(expected) >= 5

    stdout, stderr, _ = mypy_api.run(
        [
            "--strict",
            "--follow-imports=silent",
            "--show-error-codes",
            "--no-error-summary",
            str(CHECKED),
        ]
    )
    found: dict[int, set[str]] = {}
    for line in stdout.splitlines():
        error = re.match(r".*bodies\.py:(\d+): error: .*\[([\w-]+)\]$", line)
        assert error, (line, stderr)
        found.setdefault(int(error.group(1)), set()).add(error.group(2))

    assert set(found) == set(expected), stdout
    for number, codes in expected.items():
        assert codes <= found[number], (number, stdout)
