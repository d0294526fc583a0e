"""The invoice endpoint's content negotiation: PDF unless JSON is asked for at least as strongly."""

import pytest

from platform_server.invoices.router import prefers_json


@pytest.mark.parametrize(
    ("accept", "json_wanted"),
    [
        ("", False),
        ("*/*", False),
        ("application/pdf", False),
        ("application/json", True),
        ("application/json, */*", True),
        ("application/pdf, application/json;q=0", False),
        ("application/pdf;q=0.5, application/json", True),
        ("application/*;q=0.9, application/json;q=0.1", False),
        ("application/json;q=abc, application/pdf", False),
    ],
)
def test_prefers_json(accept: str, json_wanted: bool) -> None:
    assert prefers_json(accept) is json_wanted
