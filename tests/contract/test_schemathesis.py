"""The OpenAPI document against the running server: schemathesis, every check.

A live server with its own database, the test admin's token, every schemathesis
check, the examples, coverage and fuzzing phases for each operation and then the
stateful phase (links followed from one answer into the next request). Bounded and
derandomised (fixed seed), so CI sees the same cases each run and finds no new random
failure; a failure is fixed in the server (schema, declared status, validation),
never by loosening a check.

Left out, because they end the run's own session: signing out, revoking its own
sessions, and changes to its own account (its role, status, password, deletion).
They have targeted tests (tests/server/test_sessions.py, test_revoke_sessions.py,
test_users.py, test_passwords.py).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis.generation.stateful.state_machine import APIStateMachine

from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server

API = "/api/v1"
SEED = 20261207
EXAMPLES = 8  # per operation and phase: the whole file stays a few minutes on a slow machine
STATEFUL_SCENARIOS = 15
# Operations that would end the run's own session.
SESSION_ENDERS = re.compile(r"^(POST /api/v1/auth/logout|DELETE /api/v1/auth/sessions/\{id\})$")
# Writes to one user: kept, but never aimed at the run's own account.
OWN_ACCOUNT = re.compile(r"^(PATCH|PUT|POST|DELETE) /api/v1/users/\{id\}")


def _config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {
                "max-examples": EXAMPLES,
                "deterministic": True,
                # Text never holds NUL (PostgreSQL cannot store it; every input refuses it).
                "allow-x00": False,
            },
            "checks": {"enabled": True},
            "phases": {"stateful": {"enabled": True, "max-steps": 6}},
        }
    )


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with isolated_server(tmp_path_factory.mktemp("contract")) as server:
        yield server


@pytest.fixture(scope="module")
def admin(live: LiveServer) -> dict[str, str]:
    answer = httpx.post(
        f"{live.url}{API}/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    token = answer.json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    me = httpx.get(f"{live.url}{API}/users/me", headers=auth)
    # A product to order: a client orders from the catalogue, not made-up ids (an
    # unknown product is a documented 422, tested in tests/server/commerce).
    product = httpx.post(
        f"{live.url}{API}/products",
        headers=auth,
        json={
            "sku": "CONTRACT-1",
            "name": "Contract",
            "price": "9.99",
            "category": "contract",
            "stock": 100_000,
        },
    )
    assert product.status_code == 201, product.text
    return {"token": token, "id": me.json()["id"], "product": product.json()["id"]}


@pytest.fixture(scope="module")
def api_schema(live: LiveServer, admin: dict[str, str]) -> Any:
    schema = schemathesis.openapi.from_url(
        f"{live.url}{API}/openapi.json", config=_config(admin["token"])
    )
    schema = schema.exclude(func=lambda ctx: bool(SESSION_ENDERS.match(ctx.operation.label)))
    # The event stream never ends on its own: tests/server/events cover it.
    schema = schema.exclude(path=f"{API}/events/stream")
    _RUN.update(admin)
    return schema


# The run's own account, for the hook below (hooks on calls are process-wide; only
# this file uses schemathesis).
_RUN: dict[str, str] = {}


@schemathesis.hook
def before_call(ctx: schemathesis.HookContext, case: schemathesis.Case, kwargs: Any) -> None:
    if _RUN:
        _as_a_client_would(case, _RUN)


def _positive(case: schemathesis.Case) -> bool:
    meta = case.meta
    return meta is None or meta.generation.mode.is_positive


def _as_a_client_would(case: schemathesis.Case, run: dict[str, str]) -> None:
    """What a real client always does, whatever was generated."""
    label = case.operation.label
    if OWN_ACCOUNT.match(label) and (case.path_parameters or {}).get("id") == run["id"]:
        case.path_parameters = {**(case.path_parameters or {}), "id": str(uuid.uuid4())}
    if not _positive(case):
        return
    # A cursor is opaque: clients only send one a page gave them (a made-up one is the
    # documented 422 /problems/invalid-cursor, tested in tests/server/test_pagination.py).
    if case.query and "cursor" in case.query:
        case.query = {k: v for k, v in case.query.items() if k != "cursor"}
    # An Idempotency-Key names one request: a client makes a new one for a new body.
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers = {**case.headers, "Idempotency-Key": str(uuid.uuid4())}
    if label == f"POST {API}/orders" and isinstance(case.body, dict):
        items = case.body.get("items") or []
        case.body = {
            **case.body,
            "items": [{**item, "product_id": run["product"]} for item in items],
        }


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_every_operation_answers_as_documented(case: schemathesis.Case) -> None:
    case.call_and_validate()


def test_stateful_sequences_answer_as_documented(api_schema: Any) -> None:
    machine: type[APIStateMachine] = api_schema.as_state_machine()
    machine.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
