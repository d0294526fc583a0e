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

import schemathesis

from tests.contract.conftest import scoped

schema = scoped(schemathesis.pytest.from_fixture("api_schema"))


@schema.parametrize()
def test_every_operation_answers_as_documented(case: schemathesis.Case) -> None:
    case.call_and_validate()
