from __future__ import annotations

import getpass
import os
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from tests.servers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LiveServer,
    drop_redis_prefix,
    live_server,
    make_settings,
    prepare_database,
    test_database,
)

API = "/api/v1"


@pytest.hookimpl(tryfirst=True)  # before pytest's tmpdir plugin reads the option
def pytest_configure(config: pytest.Config) -> None:
    """Give each run a temp directory of its own, unless ``--basetemp`` names one.

    pytest's numbered directories are shared by every run of a user and rotated by
    whichever run ends, kept from a run still going only by lock files (with races
    reported upstream: pytest #4181, #5456); losing one loses a run's SQLite files.
    Here no run deletes a directory of a run still going; as pytest does, the last
    ``tmp_path_retention_count`` finished runs are kept to look at.
    """
    if config.option.basetemp is not None or hasattr(config, "workerinput"):
        return
    root = Path(tempfile.gettempdir()) / f"platform-tests-{_user()}"
    root.mkdir(mode=0o700, exist_ok=True)
    finished = sorted(
        (run for run in root.glob("run-*") if _finished(run)),
        key=lambda run: run.stat().st_mtime,
        reverse=True,
    )
    for old in finished[int(config.getini("tmp_path_retention_count")) :]:
        shutil.rmtree(old, ignore_errors=True)
    config.option.basetemp = str(root / f"run-{os.getpid()}-{secrets.token_hex(4)}")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return "unknown"


def _finished(run: Path) -> bool:
    """Whether the run that made ``run-<pid>-<random>`` has ended (never sure off POSIX)."""
    pid = run.name.split("-")[1]
    if os.name != "posix" or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = os.environ.get("PLATFORM_TEST_DATABASE_URL")
    redis_url = os.environ.get("PLATFORM_TEST_REDIS_URL")
    broker = os.environ.get("PLATFORM_TEST_BROKER_URL")
    minutes = os.environ.get("PLATFORM_TEST_ACCESS_TOKEN_MINUTES")
    return [
        f"database: {'PostgreSQL (' + db + ')' if db else 'SQLite (embedded default)'}",
        f"redis: {redis_url or 'not used (in-memory throttling)'}",
        f"broker: {broker or 'not used (embedded dispatch)'}",
        f"access tokens: {minutes + ' min' if minutes else 'the server default'}",
    ]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with test_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[LiveServer]:
    settings = make_settings(tmp_path_factory.mktemp("data"), database_url)
    prepare_database(settings)
    with live_server(settings) as live:
        yield live
    drop_redis_prefix(settings)


@pytest.fixture(scope="session")
def server_url(server: LiveServer) -> str:
    return server.url


@pytest.fixture(scope="session")
def admin_credentials() -> tuple[str, str]:
    return ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture
def api(server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_half_life_passed(token: str) -> bool:
    """True once half of the token's own lifetime (``exp`` - ``iat``) has passed."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return time.time() >= (float(claims["iat"]) + float(claims["exp"])) / 2


class Account:
    """A signed-in user.

    With ``base_url`` (accounts that outlive one test: the run's admin, module-wide users)
    it renews its access token when read after half of that token's own lifetime: with
    the refresh token, or by signing in again if that no longer works. So a suite that
    runs longer than the token lifetime, or with one-minute tokens, keeps working.
    Without it (a user made for one test) the tokens stay exactly as issued, for the
    tests of refresh rotation and revocation.
    """

    def __init__(
        self,
        id: str,
        email: str,
        password: str,
        access_token: str,
        refresh_token: str,
        data: dict[str, Any],
        base_url: str | None = None,
    ) -> None:
        self.id = id
        self.email = email
        self.password = password
        self.data = data
        self.base_url = base_url
        self._access_token = access_token
        self._refresh_token = refresh_token

    def __repr__(self) -> str:
        return f"Account(id={self.id!r}, email={self.email!r})"

    @property
    def access_token(self) -> str:
        if self.base_url is not None and token_half_life_passed(self._access_token):
            self.renew()
        return self._access_token

    @property
    def refresh_token(self) -> str:
        return self._refresh_token

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)

    def renew(self) -> None:
        assert self.base_url is not None, "only an account with a base_url renews"
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            response = client.post(
                f"{API}/auth/refresh", json={"refresh_token": self._refresh_token}
            )
            if response.status_code != 200:  # its session was revoked: start a new one
                response = client.post(
                    f"{API}/auth/login", json={"email": self.email, "password": self.password}
                )
        assert response.status_code == 200, response.text
        self._access_token = response.json()["access_token"]
        self._refresh_token = response.json()["refresh_token"]


def sign_in(base_url: str, email: str, password: str) -> Account:
    """A signed-in account that renews its own tokens, for fixtures wider than one test."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        tokens = client.post(f"{API}/auth/login", json={"email": email, "password": password})
        assert tokens.status_code == 200, tokens.text
        pair = tokens.json()
        me = client.get(f"{API}/users/me", headers=bearer(pair["access_token"]))
        assert me.status_code == 200, me.text
    return Account(
        id=me.json()["id"],
        email=email,
        password=password,
        access_token=pair["access_token"],
        refresh_token=pair["refresh_token"],
        data=me.json(),
        base_url=base_url,
    )


@pytest.fixture(scope="session")
def admin_account(server_url: str) -> Account:
    """The admin, signed in once per run: what fixtures wider than one test use."""
    return sign_in(server_url, ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.fixture
def admin_token(admin_account: Account) -> str:
    """An admin access token with at least half of its lifetime left."""
    return admin_account.access_token


class AccountHeaders(Mapping[str, str]):
    """An account's Authorization header, read afresh on every use: headers a test keeps
    for its whole length (in a ``Shop``, say) carry a valid token however long it runs."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def __getitem__(self, name: str) -> str:
        return self.account.headers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.account.headers)

    def __len__(self) -> int:
        return len(self.account.headers)


@pytest.fixture
def admin_headers(admin_account: Account) -> Mapping[str, str]:
    return AccountHeaders(admin_account)


@pytest.fixture
def make_user(api: httpx.Client, admin_headers: Mapping[str, str]) -> Callable[..., Account]:
    """A user with a unique email made by the admin (so its address counts as verified:
    it may place orders) and signed in. Self-registration has tests of its own."""

    def make(
        role: str = "customer", name: str = "Test User", password: str = "tidal-lantern-42"
    ) -> Account:
        email = f"user-{uuid.uuid4().hex[:12]}@example.com"
        body: dict[str, Any] = {"email": email, "password": password, "name": name, "role": role}
        created = api.post("/api/v1/users", json=body, headers=admin_headers)
        assert created.status_code == 201, created.text
        tokens = api.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert tokens.status_code == 200, tokens.text
        pair = tokens.json()
        return Account(
            id=created.json()["id"],
            email=email,
            password=password,
            access_token=pair["access_token"],
            refresh_token=pair["refresh_token"],
            data=created.json(),
        )

    return make


@pytest.fixture
def customer(make_user: Callable[..., Account]) -> Account:
    return make_user()


@pytest.fixture
def staff(make_user: Callable[..., Account]) -> Account:
    return make_user(role="staff")


def assert_problem(
    response: httpx.Response, status: int, *, field: str | None = None
) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and an error naming `field`)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    if field is not None:
        assert any(field in err["loc"] for err in body.get("errors", [])), body
    return body
