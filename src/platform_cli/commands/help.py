"""`platform help exit-codes|environment`: reference pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from collections.abc import Iterable

app = typer.Typer(help="Reference: exit codes and environment variables.", no_args_is_help=True)

# (name, used by, meaning)
CLIENT_ENVIRONMENT: list[tuple[str, str, str]] = [
    ("PLATFORM_BASE_URL", "cli, sdk", "Server URL; overrides --base-url and the profile."),
    (
        "PLATFORM_API_KEY",
        "cli, sdk",
        "API key to authenticate with; overrides the stored credential (for CI).",
    ),
    ("PLATFORM_PROFILE", "cli", "Profile to use when --profile is not given."),
    (
        "PLATFORM_CONFIG_DIR",
        "cli",
        "Directory of config.json (and credentials.json with --insecure-storage); default "
        "$XDG_CONFIG_HOME/platform or ~/.config/platform.",
    ),
    ("XDG_CONFIG_HOME", "cli", "Base of the default config directory."),
    (
        "PLATFORM_LOG",
        "cli, sdk",
        "SDK request logging on stderr: debug, info or warning (never logs headers or bodies).",
    ),
    ("NO_COLOR", "cli", "Any non-empty value turns colour off (https://no-color.org)."),
    ("TERM", "cli", "TERM=dumb turns colour off."),
]

# (name, meaning): read by the server only
SERVER_ENVIRONMENT: list[tuple[str, str]] = [
    (
        "PLATFORM_DATABASE_URL",
        "SQLAlchemy URL of the database; default SQLite in the data directory.",
    ),
    ("PLATFORM_DATA_DIR", "Data directory (SQLite file, generated secret); default .platform."),
    (
        "PLATFORM_JWT_SECRET",
        "Secret signing tokens and hashing API keys; generated into the data dir if unset.",
    ),
    ("PLATFORM_JWT_ISSUER / PLATFORM_JWT_AUDIENCE", "JWT iss/aud (platform, platform-api)."),
    ("PLATFORM_ACCESS_TOKEN_MINUTES", "Access token lifetime (15)."),
    ("PLATFORM_REFRESH_TOKEN_DAYS", "Refresh token lifetime (30)."),
    ("PLATFORM_PASSWORD_MIN_LENGTH", "Minimum password length (10, at least 10)."),
    ("PLATFORM_LOGIN_MAX_FAILURES_PER_ACCOUNT", "Failed logins per account before 429 (5)."),
    ("PLATFORM_LOGIN_MAX_FAILURES_PER_IP", "Failed logins per address before 429 (50)."),
    ("PLATFORM_LOGIN_FAILURE_WINDOW_SECONDS", "Window of those counters (900)."),
    (
        "PLATFORM_REDIS_URL / PLATFORM_REDIS_PREFIX",
        "Redis for shared throttling (optional) and its key prefix (platform:).",
    ),
    ("PLATFORM_DATABASE_ECHO", "Log SQL statements (false)."),
    ("PLATFORM_MAX_BODY_BYTES", "Largest accepted request body (1048576)."),
    ("PLATFORM_IDEMPOTENCY_TTL_HOURS", "How long idempotency keys are remembered (24)."),
    ("PLATFORM_LOG_LEVEL", "Server log level (info)."),
    ("PLATFORM_LOG_FORMAT", "json or console (json unless stderr is a terminal)."),
    ("PLATFORM_OTEL_ENDPOINT", "OTLP/HTTP collector for traces (off when unset)."),
    ("PLATFORM_ENV_FILE", "An env file of PLATFORM_* settings (set by `server --config`)."),
]

ENVIRONMENT: list[tuple[str, str, str]] = [
    *CLIENT_ENVIRONMENT,
    *((name, "server", text) for name, text in SERVER_ENVIRONMENT),
]


def _reference(title: str, rows: Iterable[str], footer: str | None = None) -> None:
    """A reference page: the title, a blank line, one indented line a row, then the footer."""
    typer.echo(f"{title}\n")
    for row in rows:
        typer.echo(f"  {row}")
    if footer is not None:
        typer.echo(f"\n{footer}")


@app.command("exit-codes")
def exit_codes() -> None:
    """What each exit code of `platform` means."""
    from platform_cli.errors import EXIT_CODE_HELP

    _reference(
        "Exit codes of `platform`:",
        (f"{int(code)}  {text}" for code, text in EXIT_CODE_HELP.items()),
        "Interrupted with Ctrl-C: 130.",
    )


@app.command("environment")
def environment() -> None:
    """Every environment variable the CLI, SDK and server read."""
    width = max(len(name) for name, _, _ in ENVIRONMENT)
    _reference(
        "Environment variables (precedence: environment > command-line option > profile):",
        (f"{name:<{width}}  [{who}] {text}" for name, who, text in ENVIRONMENT),
    )
