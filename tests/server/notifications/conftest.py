"""Helpers for the notification tests: waiting for dispatch, reading notifications back."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import pytest

from tests.server.commerce.conftest import API, Shop

T = TypeVar("T")

DEADLINE_SECONDS = 10.0


def wait_for(probe: Callable[[], T | None], what: str, *, seconds: float = DEADLINE_SECONDS) -> T:
    """Poll ``probe`` until it returns something truthy, or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def notifications(
    api: httpx.Client, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    response = api.get(f"{API}/notifications", params={"limit": 100, **params}, headers=headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def wait_for_notification(
    api: httpx.Client,
    headers: dict[str, str],
    *,
    status: str | None = "sent",
    seconds: float = DEADLINE_SECONDS,
    **params: Any,
) -> dict[str, Any]:
    """The newest notification matching ``params`` once it has ``status`` (any if None)."""

    def probe() -> dict[str, Any] | None:
        for item in notifications(api, headers, **params):
            if status is None or item["status"] == status:
                return item
        return None

    return wait_for(probe, f"a {status or 'any'} notification {params}", seconds=seconds)


@pytest.fixture
def shop(api: httpx.Client, admin_headers: dict[str, str]) -> Shop:
    return Shop(api, admin_headers)
