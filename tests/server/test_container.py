"""The typed composition root: slots, the container, and no untyped app.state."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI, Request

import platform_server
from platform_server.core.container import Services, Slot, services_of
from platform_server.core.settings import Settings

SERVER = Path(platform_server.__file__).parent


def _services(*bound: object) -> Services:
    # What the container holds is only handed on here: the slots are the subject.
    return Services(settings=Settings(), db=None, signer=None, callers=None, bound=bound)


def test_a_bound_slot_gives_its_value_and_an_unbound_one_says_so() -> None:
    numbers: Slot[list[int]] = Slot("numbers")
    other: Slot[str] = Slot("other")
    value = [1, 2]
    services = _services(numbers.bind(value))
    assert services.get(numbers) is value
    with pytest.raises(LookupError, match=r"Slot\('other'\) was not bound"):
        services.get(other)


def test_a_request_of_another_application_has_no_services() -> None:
    request = Request({"type": "http", "app": FastAPI(), "headers": []})
    with pytest.raises(TypeError, match="not built by"):
        services_of(request)


def test_nothing_reads_services_from_app_state() -> None:
    # app.py builds one typed container; an untyped locator beside it would be read
    # with `type: ignore` again.
    readers = [
        str(path.relative_to(SERVER))
        for path in sorted(SERVER.rglob("*.py"))
        if "app.state" in path.read_text(encoding="utf-8")
    ]
    assert readers == []
