"""Developer sessions: tests, tests_services, lint, typecheck (`nox -s NAME`)."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

SERVICES = {
    "PLATFORM_TEST_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
    "PLATFORM_TEST_REDIS_URL": "redis://127.0.0.1:6379/0",
    "PLATFORM_TEST_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672/",
}


@nox.session
def tests(session: nox.Session) -> None:
    """The suite on the embedded defaults (SQLite, in-process dispatch)."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session
def tests_services(session: nox.Session) -> None:
    """The same suite against PostgreSQL, Redis and RabbitMQ (override the URLs by env)."""
    session.install("-e", ".[dev]")
    env = {name: session.env.get(name) or default for name, default in SERVICES.items()}
    session.run("pytest", *session.posargs, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "bench", "examples")
    session.run("ruff", "format", "--check", "src", "tests", "bench", "examples")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy over all three packages; strict for platform_sdk (see pyproject.toml)."""
    session.install("-e", ".[dev]")
    session.run("mypy")
