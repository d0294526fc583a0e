"""The contract run's server, admin, schema and the hook that makes requests as a real
client would: shared by the schemathesis test modules, each of which gets a server and
database of its own (module-scoped fixtures), so one module's writes never change what
the other generates."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import schemathesis

from tests.conftest import Account, sign_in
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server

API = "/api/v1"
SEED = 20261207
EXAMPLES = 8  # per operation and phase: the whole file stays a few minutes on a slow machine
STATEFUL_SCENARIOS = 15
STATEFUL_STEPS = 50  # at most, per scenario: about a minute for the whole stateful run
# Only operations that would end the run's own session are left out: signing out and
# revoking a session (which may be its own). Their targeted tests are in
# tests/server/test_sessions.py and test_revoke_sessions.py.
SESSION_ENDERS = re.compile(r"^(POST /api/v1/auth/logout|DELETE /api/v1/auth/sessions/\{id\})$")
# A code only an email delivers: a well-formed one the server never issued is the
# documented 400 /problems/token-invalid (valid codes: tests/server/test_accounts.py).
EMAILED_CODE = ("POST /api/v1/auth/verify-email", "POST /api/v1/auth/password-reset/confirm")
# What is left to refund depends on the payment's refunds so far, which no schema can
# state: more than that (or anything, once refunded in full) is the documented 422
# naming `amount` (tested in tests/server/commerce/test_refunds.py).
STATE_BOUND_AMOUNT = ("POST /api/v1/payments/{id}/refunds",)
# A password's strength (zxcvbn) is a rule no schema can state: a new one a client sends
# passes it (the policy's documented 422s are tested in tests/server/test_password_policy.py).
NEW_PASSWORD = {
    f"POST {API}/users": "password",
    f"POST {API}/users/{{id}}/password": "new_password",
    f"POST {API}/auth/password-reset/confirm": "new_password",
}
STRONG_PASSWORD = "Correct-Horse-Battery-7351"
# Writes to one user: kept, but never aimed at the run's own account; nor at the
# product its orders are for.
OWN_ACCOUNT = re.compile(r"^(PATCH|PUT|POST|DELETE) /api/v1/users/\{id\}")
OWN_PRODUCT = re.compile(r"^(PATCH|DELETE) /api/v1/products/\{id\}$")


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": EXAMPLES,
                "deterministic": True,
                # Text never holds NUL (PostgreSQL cannot store it; every input refuses it).
                "allow-x00": False,
            },
            "checks": {"enabled": True},
            "phases": {"stateful": {"enabled": True, "max-steps": 6}},
            "operations": [
                {
                    "include-name": label,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                        }
                    },
                }
                for label in EMAILED_CODE
            ]
            + [
                {
                    "include-name": label,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                        }
                    },
                }
                for label in STATE_BOUND_AMOUNT
            ],
        }
    )


# Webhook targets may be any well-formed URL here (no delivery leaves the machine):
# the SSRF policy has its own tests (tests/server/webhooks/test_ssrf.py).
SERVER_SETTINGS = {"webhooks_allow_private": True}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server and database of the run's own: it creates and deletes freely."""
    directory = tmp_path_factory.mktemp("contract")
    with isolated_server(directory, **SERVER_SETTINGS) as server:
        yield server


@pytest.fixture(scope="module")
def admin(live: LiveServer) -> Account:
    """The run's admin: its token renews itself (the run may outlive one)."""
    return sign_in(live.url, ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def product(live: LiveServer, admin: Account) -> str:
    # A product to order: a client orders from the catalogue, not made-up ids (an
    # unknown product is a documented 422, tested in tests/server/commerce).
    product = httpx.post(
        f"{live.url}{API}/products",
        headers=admin.headers,
        json={
            "sku": "CONTRACT-1",
            "name": "Contract",
            "price": "9.99",
            "category": "contract",
            "stock": 100_000,
        },
    )
    assert product.status_code == 201, product.text
    return str(product.json()["id"])


@pytest.fixture(scope="module")
def api_schema(live: LiveServer, admin: Account, product: str) -> Any:
    schema = schemathesis.openapi.from_url(f"{live.url}{API}/openapi.json", config=_config())

    @schema.auth(refresh_interval=None)
    class AdminToken:
        """The admin's current token, as schemathesis's auth (so its `ignored_auth`
        check still sends requests without one)."""

        def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
            return admin.access_token

        def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    _RUN.update(id=admin.id, product=product)
    return schema


# The run's own account, for the hook below (hooks on calls are process-wide; only
# this file uses schemathesis).
_RUN: dict[str, str] = {}


@schemathesis.hook
def before_call(ctx: schemathesis.HookContext, case: schemathesis.Case, kwargs: Any) -> None:
    if _RUN:
        _as_a_client_would(case, _RUN)
        _upload_a_picture(case, kwargs)
        _upload_rows(case, kwargs)


# Uploads take a picture: a client sends a real image file, not generated bytes (any
# other bytes are the documented 415/422, tested in tests/server/files).
UPLOADS = re.compile(
    r"^(POST /api/v1/products/\{id\}/images|PUT /api/v1/users/(me|\{id\})/avatar)$"
)


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


TINY_PNG = _tiny_png()


def _upload_a_picture(case: schemathesis.Case, kwargs: Any) -> None:
    """A file upload sends a real picture in place of the generated file contents.
    Passed to the transport (`files=`), not written into the case: schemathesis cannot
    validate a body holding bytes and would then count the case as invalid data."""
    if not UPLOADS.match(case.operation.label) or not _positive(case):
        return
    body = case.body if isinstance(case.body, dict) else None
    # Only generated file contents are replaced: a part mutated into another type stays.
    if body and isinstance(body.get("file"), bytes | bytearray | str):
        kwargs["files"] = {"file": ("picture.png", TINY_PNG, "image/png")}


def _upload_rows(case: schemathesis.Case, kwargs: Any) -> None:
    """A bulk import sends a file of its kind: a header naming the kind's columns (no
    rows), or for JSONL one row with those keys (a row that fails). Any other file is a
    documented 422 (the problem types /problems/file-*, tested in tests/server/bulk)."""
    from platform_server.bulk import catalog  # noqa: F401  (registers every kind)
    from platform_server.bulk.kinds import IMPORTS

    body = case.body if isinstance(case.body, dict) else None
    if case.operation.label != f"POST {API}/bulk/imports" or not body or not _positive(case):
        return
    kind = IMPORTS.get(str(body.get("kind")))
    if kind is None or not isinstance(body.get("file"), bytes | bytearray | str):
        return
    if body.get("format") == "jsonl":
        row = json.dumps(dict.fromkeys(kind.required, "")).encode() + b"\n"
        file = ("rows.jsonl", row, "application/x-ndjson")
    else:
        file = ("rows.csv", ",".join(kind.required).encode() + b"\n", "text/csv")
    # The transport's `files=` carries every part: the form fields go beside the file.
    fields = {k: (None, _form_value(v)) for k, v in body.items() if k != "file"}
    kwargs["files"] = {**fields, "file": file}


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _positive(case: schemathesis.Case) -> bool:
    meta = case.meta
    return meta is None or meta.generation.mode.is_positive


def _as_a_client_would(case: schemathesis.Case, run: dict[str, str]) -> None:
    """What a real client always does, whatever was generated."""
    label = case.operation.label
    # A stateful link from a field that may be null (an event's resource id, say): a
    # client does not follow a null, it names some resource.
    if case.path_parameters and None in case.path_parameters.values():
        case.path_parameters = {
            k: str(uuid.uuid4()) if v is None else v for k, v in case.path_parameters.items()
        }
    target = (case.path_parameters or {}).get("id")
    if (OWN_ACCOUNT.match(label) and target == run["id"]) or (
        OWN_PRODUCT.match(label) and target == run["product"]
    ):
        case.path_parameters = {**(case.path_parameters or {}), "id": str(uuid.uuid4())}
    if not _positive(case):
        return
    # A cursor is opaque: clients only send one a page gave them (a made-up one is the
    # documented 422 /problems/invalid-cursor, tested in tests/server/test_pagination.py).
    if case.query and "cursor" in case.query:
        case.query = {k: v for k, v in case.query.items() if k != "cursor"}
    # An Idempotency-Key names one request: a client makes a new one for a new body.
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "idempotency-key"}
    if len(headers) < len(case.headers or {}):
        case.headers = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    # A range runs low to high (the other way round is a documented 422).
    query = case.query or {}
    low, high = query.get("min_price"), query.get("max_price")
    if isinstance(low, str) and isinstance(high, str) and Decimal(low) > Decimal(high):
        case.query = query = {**query, "min_price": high, "max_price": low}
    if query.get("sort") == "relevance" and not query.get("q"):  # relevance to a search
        case.query = {**query, "q": "contract"}
    body = case.body if isinstance(case.body, dict) else None
    # A new password passes the strength policy; the sandbox gateway takes only its test
    # tokens; an expiry is in the future.
    field = NEW_PASSWORD.get(label)
    if field and body and field in body:
        case.body = body = {**body, field: STRONG_PASSWORD}
    if label == f"POST {API}/orders/{{id}}/payments" and body:
        case.body = {**body, "payment_method": "pm_card_ok"}
    if label == f"POST {API}/api-keys" and body and body.get("expires_at"):
        case.body = {**body, "expires_at": "2999-01-01T00:00:00Z"}
    if label == f"POST {API}/bulk/exports" and body:  # the filters its kind takes
        case.body = {**body, "filters": {}}
    if label == f"POST {API}/orders" and isinstance(case.body, dict):
        items = case.body.get("items") or []
        case.body = {
            **case.body,
            "items": [{**item, "product_id": run["product"]} for item in items],
        }


def scoped(schema: Any) -> Any:
    return schema.exclude(func=lambda ctx: bool(SESSION_ENDERS.match(ctx.operation.label))).exclude(
        path=f"{API}/events/stream"
    )  # never ends on its own: tests/server/events
