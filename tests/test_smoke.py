import httpx

from tests.conftest import assert_problem
from tests.servers import READY


def test_health(api: httpx.Client) -> None:
    assert api.get("/healthz").json() == {"status": "ok", "database": None}
    assert api.get("/readyz").json() == READY


def test_unknown_route_is_problem(api: httpx.Client) -> None:
    assert_problem(api.get("/api/v1/nope"), 404)
