"""Waiting for asynchronous dispatch: poll with a deadline, never sleep a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

API = "/api/v1"


def wait_for(check: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def events_of(
    api: httpx.Client, headers: dict[str, str], resource_id: str, type_: str | None = None
) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"resource_id": resource_id, "limit": 100}
    if type_:
        params["type"] = type_
    response = api.get(f"{API}/events", params=params, headers=headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def published(
    api: httpx.Client, headers: dict[str, str], resource_id: str, type_: str
) -> dict[str, Any]:
    """The event, once it has its stream position."""

    def check() -> dict[str, Any] | None:
        found = [e for e in events_of(api, headers, resource_id, type_) if e["position"]]
        return found[0] if found else None

    result: dict[str, Any] = wait_for(check, what=f"{type_} of {resource_id} to be published")
    return result
