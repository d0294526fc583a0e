"""Real servers for the test suite: uvicorn on a loopback port, a database of its own.

Each test run makes a uniquely named database (SQLite file, or a new PostgreSQL
database on PLATFORM_TEST_DATABASE_URL's server) and a unique Redis key prefix,
and drops them afterwards, so runs never collide or leak state.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from platform_server.app import create_app
from platform_server.core.database import Database
from platform_server.core.migrate import upgrade
from platform_server.core.settings import Settings
from platform_server.demo import ensure_admin

ADMIN_EMAIL = "admin@tests.platform.test"
ADMIN_PASSWORD = "admin-password-123"
# What a healthy test server's /readyz says (Redis is listed only when configured).
READY = {"status": "ok", "database": "ok"} | (
    {"redis": "ok"} if os.environ.get("PLATFORM_TEST_REDIS_URL") else {}
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def test_database(tmp_dir: Path) -> Iterator[str]:
    """Yields a database URL that exists only for this run."""
    base = os.environ.get("PLATFORM_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite+aiosqlite:///{tmp_dir / 'platform-test.db'}"
        return
    url = make_url(base)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+asyncpg")
    name = f"platform_test_{secrets.token_hex(6)}"
    admin_sql(url.render_as_string(hide_password=False), f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        admin_sql(
            url.render_as_string(hide_password=False),
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        )


def admin_sql(url: str, statement: str) -> None:
    async def go() -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(go())


def make_settings(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "jwt_secret": secrets.token_urlsafe(32),
        # Every test comes from 127.0.0.1: the per-address limit gets its own test.
        "login_max_failures_per_ip": 100_000,
        # A pair held after its free failures is held for minutes, not a second: the
        # tests that see it held do not depend on how fast the machine answers.
        "login_pair_base_delay_seconds": 300,
        # The suite drives its shared admin far harder than any person would (thousands
        # of calls a minute, a sign-in for most CLI and SDK tests): rate limits stay on,
        # but out of the way; tests/server/test_rate_limits.py sets low ones of its own.
        "rate_limit_per_user": "1000000/minute",
        "rate_limit_per_api_key": "1000000/minute",
        "rate_limit_per_ip": "1000000/minute",
        "rate_limit_auth_per_account": "1000000/minute",
        "rate_limit_auth_per_ip": "1000000/minute",
        "redis_url": os.environ.get("PLATFORM_TEST_REDIS_URL") or None,
        "redis_prefix": f"platform-test-{secrets.token_hex(4)}:",
        "broker_prefix": f"platform-test-{secrets.token_hex(4)}",
        # Tests wait on dispatch: look at the outbox and the queues often.
        "dispatch_poll_seconds": 0.1,
        # Warnings and errors only: an access line a request would just fill the capture.
        "log_level": "warning",
    }
    # PLATFORM_TEST_ACCESS_TOKEN_MINUTES=1 runs the suite with tokens shorter than the
    # suite, to show every credential the tests share renews itself.
    minutes = os.environ.get("PLATFORM_TEST_ACCESS_TOKEN_MINUTES")
    if minutes:
        values["access_token_minutes"] = float(minutes)
    values.update(overrides)
    return Settings(**values)


def prepare_database(settings: Settings) -> None:
    upgrade(settings)

    async def seed() -> None:
        db = Database(settings)
        try:
            await ensure_admin(db, ADMIN_EMAIL, ADMIN_PASSWORD, name="Test Admin")
        finally:
            await db.dispose()

    asyncio.run(seed())


@dataclass
class LiveServer:
    url: str
    settings: Settings
    app: Any


@contextmanager
def live_server(settings: Settings) -> Iterator[LiveServer]:
    app = create_app(settings)
    port = _free_port()
    # The standard asyncio loop: many servers start and stop in threads of one test
    # process, and uvloop's process-wide policy is not made for that.
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        loop="asyncio",
        # As `platform server run`: X-Forwarded-* are the gateway's to judge.
        proxy_headers=False,
        server_header=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    started_at = time.monotonic()
    while not server.started:
        if not thread.is_alive() or time.monotonic() - started_at > 20:
            server.should_exit = True  # a late start must not leave a server running
            state = "is still starting" if thread.is_alive() else "stopped"
            raise RuntimeError(
                f"the test server did not start: after {time.monotonic() - started_at:.1f}s "
                f"its thread {state} ({threading.active_count()} threads in the process)"
            )
        time.sleep(0.02)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", settings=settings, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def drop_redis_prefix(settings: Settings) -> None:
    if not settings.redis_url:
        return
    import redis

    client = redis.Redis.from_url(settings.redis_url)
    try:
        keys = list(client.scan_iter(match=settings.redis_prefix + "*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def isolated_server(tmp_dir: Path, **overrides: Any) -> Iterator[LiveServer]:
    """A server with settings of its own (email backend, webhook policy, ...) and a
    database of its own, so its dispatcher never races the shared test server's."""
    with test_database(tmp_dir) as url:
        settings = make_settings(tmp_dir, url, **overrides)
        prepare_database(settings)
        try:
            with live_server(settings) as live:
                yield live
        finally:
            drop_redis_prefix(settings)


def process_env(settings: Settings, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `platform server run` subprocess serving `settings`' database:
    this process's own, without its PLATFORM_ settings (the tests' own stay)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PLATFORM_") or k.startswith("PLATFORM_TEST_")
    }
    env.update(
        PLATFORM_DATABASE_URL=settings.resolved_database_url,
        PLATFORM_DATA_DIR=str(data_dir),
        PLATFORM_JWT_SECRET=settings.signing_secret,
        **extra,
    )
    return env
