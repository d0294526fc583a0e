"""The shared command shapes (`platform_cli.actions`) and context helpers, no server needed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from platform_cli.actions import change, find_listed
from platform_cli.context import as_utc, check_fields
from platform_cli.errors import LocalValidationError, NotFound, UsageError
from platform_cli.output import Output


@dataclass
class Thing:
    id: str
    name: str = "thing"

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        return {"id": self.id, "name": self.name}


def _json_out() -> Output:
    return Output("json", tty=False, color=False, spinner=False)


def test_change_dry_run_previews_the_object_and_sends_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls: list[str] = []
    change(
        _json_out(),
        action="delete thing 1",
        preview="delete thing 1 (maybe)",
        fetch=lambda: Thing("1"),
        call=lambda: calls.append("call"),
        show=lambda _: calls.append("show"),
        yes=False,
        dry_run=True,
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed == {
        "dry_run": True,
        "action": "delete thing 1 (maybe)",
        "request": {"id": "1", "name": "thing"},
    }
    assert calls == []


def test_change_dry_run_with_after_prints_a_diff(capsys: pytest.CaptureFixture[str]) -> None:
    change(
        _json_out(),
        action="rename thing 1",
        fetch=lambda: Thing("1"),
        after=lambda before: {**before, "name": "new"},
        call=lambda: pytest.fail("called on a dry run"),
        show=lambda _: None,
        dry_run=True,
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed["action"] == "rename thing 1"
    assert printed["changes"] == {"name": {"from": "thing", "to": "new"}}


def test_change_without_confirmation_calls_and_shows() -> None:
    shown: list[Any] = []
    change(
        _json_out(),
        action="rename thing 1",
        fetch=lambda: pytest.fail("fetched without a dry run"),
        call=lambda: Thing("1", "new"),
        show=shown.append,
        dry_run=False,
    )
    assert shown == [Thing("1", "new")]


def test_change_destructive_needs_yes_without_a_terminal() -> None:
    calls: list[str] = []
    with pytest.raises(UsageError, match="refusing to delete thing 1 without confirmation"):
        change(
            _json_out(),
            action="delete thing 1",
            fetch=lambda: Thing("1"),
            call=lambda: calls.append("call"),
            show=lambda _: calls.append("show"),
            yes=False,
            dry_run=False,
        )
    assert calls == []
    change(
        _json_out(),
        action="delete thing 1",
        fetch=lambda: Thing("1"),
        call=lambda: calls.append("call"),
        show=lambda _: calls.append("show"),
        yes=True,
        dry_run=False,
    )
    assert calls == ["call", "show"]


def test_find_listed() -> None:
    things = [Thing("1"), Thing("2")]
    assert find_listed(iter(things), "2", "missing") is things[1]
    with pytest.raises(NotFound, match="thing 3 does not exist"):
        find_listed(iter(things), "3", "thing 3 does not exist")


def test_check_fields_and_as_utc() -> None:
    check_fields([])
    with pytest.raises(LocalValidationError):
        check_fields([("body.name", "must be 1-255 characters")])
    assert as_utc(None) is None
    assert as_utc(datetime(2030, 1, 2)) == datetime(2030, 1, 2, tzinfo=UTC)
    oslo = datetime(2030, 1, 2, tzinfo=timezone(timedelta(hours=1)))
    assert as_utc(oslo) is oslo
