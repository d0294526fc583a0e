"""The SDK stays whole: every operation of the server's OpenAPI document has a
method on `Client` and `AsyncClient`, and every response field is on its SDK model.

Convention that keeps this mechanical: a server schema `FooOut` (or `Foo`) is the
SDK model `platform_sdk.models.Foo`; `Page[FooOut]` lists `Foo`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import platform_sdk
import platform_sdk.models as sdk_models
from platform_sdk import AsyncClient, Client
from platform_sdk._endpoints import registered_operations
from platform_sdk.errors import APIStatusError, NotFoundError, RateLimitError, exception_for_status
from platform_server.app import create_app

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app().openapi()


def _operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


@pytest.mark.parametrize("client_cls", [Client, AsyncClient], ids=["Client", "AsyncClient"])
def test_every_operation_has_an_sdk_method(spec: dict[str, Any], client_cls: type) -> None:
    missing = _operations(spec) - registered_operations(client_cls)
    assert not missing, f"{client_cls.__name__} has no method for: {sorted(missing)}"


def test_sdk_has_no_method_for_a_missing_operation(spec: dict[str, Any]) -> None:
    stale = registered_operations(Client) - _operations(spec)
    assert not stale, f"SDK methods for operations the server lacks: {sorted(stale)}"


def _component(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _response_components(spec: dict[str, Any]) -> set[str]:
    names = set()
    for item in spec["paths"].values():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            for status, response in op.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if "$ref" in schema:
                    names.add(_component(schema["$ref"]))
    return names


def _item_component(spec: dict[str, Any], name: str) -> str:
    """`Page_UserOut_` → `UserOut`; other names unchanged."""
    schema = spec["components"]["schemas"][name]
    data = schema.get("properties", {}).get("data", {})
    if name.startswith("Page") and "$ref" in data.get("items", {}):
        return _component(data["items"]["$ref"])
    return name


def test_every_response_field_is_on_its_sdk_model(spec: dict[str, Any]) -> None:
    problems = []
    for name in sorted(_response_components(spec)):
        component = _item_component(spec, name)
        model_name = component.removesuffix("Out")
        model = getattr(sdk_models, model_name, None)
        if model is None:
            problems.append(f"no SDK model {model_name} for {component}")
            continue
        fields = set(spec["components"]["schemas"][component].get("properties", {}))
        missing = fields - set(model.model_fields)
        if missing:
            problems.append(f"{model_name} lacks {sorted(missing)}")
    assert not problems, "; ".join(problems)


def _error_statuses(spec: dict[str, Any]) -> set[int]:
    return {
        int(status)
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
        for status in op.get("responses", {})
        if status[:1] in "45"
    }


def test_every_documented_error_status_has_its_sdk_exception(spec: dict[str, Any]) -> None:
    """An error the document lists raises an exception named for it, exported from
    `platform_sdk` and described in docs/sdk.md (not the generic APIStatusError)."""
    sdk_doc = (Path(__file__).parents[1] / "docs" / "sdk.md").read_text()
    problems = []
    for status in sorted(_error_statuses(spec)):
        cls = exception_for_status(status)
        if cls is APIStatusError or (status < 500 and str(status) not in (cls.__doc__ or "")):
            problems.append(f"{status} has no exception of its own ({cls.__name__})")
        elif cls.__name__ not in platform_sdk.__all__ or cls.__name__ not in sdk_doc:
            problems.append(f"{cls.__name__} ({status}) is not exported and documented")
    assert not problems, "; ".join(problems)
    assert {404, 409, 422, 429} <= _error_statuses(spec)
    assert exception_for_status(404) is NotFoundError
    assert exception_for_status(429) is RateLimitError
