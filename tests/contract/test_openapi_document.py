"""The document lists every error a route answers, as problem+json; 405 says what is allowed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from platform_server.app import create_app
from tests.conftest import API, assert_problem

METHODS = {"get", "post", "put", "patch", "delete"}
PRODUCT = f"{API}/products/01a24e48-a324-74ce-b8f0-4177a88683db"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app().openapi()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_every_error_is_problem_json_with_the_shared_schema(spec: dict[str, Any]) -> None:
    wrong = []
    for method, path, op in _operations(spec):
        for status, answer in op["responses"].items():
            if status[:1] not in "45":
                continue
            content = answer.get("content", {})
            schema = content.get("application/problem+json", {}).get("schema", {})
            if set(content) != {"application/problem+json"} or (
                schema.get("$ref") != "#/components/schemas/Problem"
                and {"$ref": "#/components/schemas/Problem"} not in schema.get("allOf", [])
            ):
                wrong.append(f"{method} {path} {status}")
    assert not wrong, wrong
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "request_id", "errors"} <= set(
        problem["properties"]
    )
    assert "/problems/invalid-cursor" in problem["properties"]["type"]["description"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_statuses_follow_from_what_the_route_is_made_of(spec: dict[str, Any]) -> None:
    ops = {(method, path): set(op["responses"]) for method, path, op in _operations(spec)}
    # A caller, a path id, a body, a write: 401/403, 404, 400/413/415/422, 409; all limited.
    assert {"400", "401", "403", "404", "409", "413", "415", "422", "429", "503"} <= ops[
        ("PATCH", f"{API}/products/{{id}}")
    ]
    assert {"401", "403", "429", "503"} <= ops[("GET", f"{API}/users/me")]
    assert not {"404", "409", "413", "422"} & ops[("GET", f"{API}/users/me")]
    assert {"401", "422"} <= ops[("POST", f"{API}/auth/login")]  # the body it reads itself
    assert "402" in ops[("POST", f"{API}/orders/{{id}}/payments")]  # declared by the route
    assert ops[("GET", "/healthz")] == {"200"}  # probes are never limited
    limited = spec["paths"][f"{API}/orders"]["get"]["responses"]["429"]
    assert {"Retry-After", "RateLimit", "RateLimit-Policy"} <= set(limited["headers"])


def test_money_and_times_are_documented_as_the_server_reads_them(spec: dict[str, Any]) -> None:
    price = spec["components"]["schemas"]["ProductCreate"]["properties"]["price"]
    assert price["type"] == "string" and price["pattern"]
    patch = spec["components"]["schemas"]["ProductUpdate"]["properties"]
    assert all("null" not in str(field) for field in patch.values())
    params = {p["name"]: p for p in spec["paths"][f"{API}/events"]["get"]["parameters"]}
    assert "format" in str(params["created_after"]["schema"])


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", PRODUCT, "DELETE, GET, PATCH"),
        ("PUT", PRODUCT, "DELETE, GET, PATCH"),
        ("OPTIONS", f"{API}/users/me", "GET"),
        ("GET", f"{API}/products/batch", "POST"),
        # Not a product whose id is "batch", nor a user whose id is "me".
        ("PATCH", f"{API}/products/batch", "POST"),
        ("PATCH", f"{API}/users/me", "GET"),
    ],
)
def test_405_lists_every_method_of_the_path(
    api: httpx.Client, admin_headers: Mapping[str, str], method: str, path: str, allowed: str
) -> None:
    answer = api.request(method, path, headers=admin_headers, json={})
    problem = assert_problem(answer, 405)
    assert answer.headers["allow"] == allowed
    assert problem["type"] == "/problems/method-not-allowed"


def test_a_bad_id_on_a_templated_path_stays_a_422(
    api: httpx.Client, admin_headers: Mapping[str, str]
) -> None:
    answer = api.patch(f"{API}/products/not-an-id", headers=admin_headers, json={})
    assert_problem(answer, 422, field="id")


def test_a_forged_cursor_is_the_documented_problem_type(
    api: httpx.Client, admin_headers: Mapping[str, str]
) -> None:
    answer = api.get(f"{API}/products", params={"cursor": "forged"}, headers=admin_headers)
    problem = assert_problem(answer, 422, field="cursor")
    assert problem["type"] == "/problems/invalid-cursor"
