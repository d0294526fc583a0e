"""Stateful schemathesis: sequences that follow the document's links, on a server of
their own (a fresh database: what the sequences draw from never depends on another
test's writes, which Hypothesis would report as inconsistent data generation).

Bounded (`STATEFUL_SCENARIOS` scenarios of at most `max-steps` steps) and derandomised,
so CI sees the same sequences each run. A failure is fixed in the server (schema,
declared status, validation), never by loosening a check. Left out, because they end
the run's own session: signing out and revoking a session (tests/contract/conftest.py
says where their targeted tests are).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

import hypothesis
import schemathesis

from tests.contract.conftest import STATEFUL_SCENARIOS, STATEFUL_STEPS, scoped

MIN_STEPS = 50


def test_stateful_sequences_answer_as_documented(api_schema: Any) -> None:
    """Sequences that follow links (create, then read, change, delete what was made).

    Failures are collected rather than raised: the live server's state moves on, so
    Hypothesis could not replay a failing sequence the same way (it would report its
    data generation as flaky and hide the failure); every one is listed instead. For the
    same reason a replayed start that the server now answers otherwise (a background
    delivery finished, an invoice was issued) ends the exploration, as in schemathesis's
    own runner (which counts it as no failure); every answer until then was checked."""
    found: list[str] = []
    answered: Counter[str] = Counter()

    class Machine(scoped(api_schema).as_state_machine()):  # type: ignore[misc]
        def validate_response(
            self, response: Any, case: schemathesis.Case, *args: Any, **kwargs: Any
        ) -> None:
            answered[f"{case.operation.label} {response.status_code}"] += 1
            try:
                super().validate_response(response, case, *args, **kwargs)
            except Exception as failure:  # a FailureGroup of every failed check
                found.append(f"{case.operation.label}: {failure}")

    with contextlib.suppress(hypothesis.errors.Flaky):
        Machine.run(
            settings=hypothesis.settings(
                max_examples=STATEFUL_SCENARIOS,
                stateful_step_count=STATEFUL_STEPS,
                derandomize=True,
                phases=[hypothesis.Phase.generate],
                deadline=None,
                database=None,
                suppress_health_check=list(hypothesis.HealthCheck),
            )
        )
    assert not found, "\n\n".join(found)
    # Not vacuous: sequences ran, and followed links into what they had made.
    assert sum(answered.values()) >= MIN_STEPS, answered
    assert any(label.startswith("POST") and label.endswith(" 201") for label in answered)
