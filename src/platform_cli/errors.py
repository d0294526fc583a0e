"""Exit codes, CLI errors, and turning any exception into one readable, redacted message.

No UI dependencies beyond the standard library (the TUI may reuse ``describe``).
"""

from __future__ import annotations

import re
import traceback
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    PARTIAL = 3
    AUTH = 4
    NOT_FOUND = 5


EXIT_CODE_HELP: dict[int, str] = {
    ExitCode.OK: "success",
    ExitCode.ERROR: "an API error (4xx/5xx other than 401/404, including 422 validation "
    "errors), a connection error, or any other failure",
    ExitCode.USAGE: "a usage error: bad options or arguments, or a destructive command "
    "without --yes and with no terminal to confirm on",
    ExitCode.PARTIAL: "partial failure: bulk work where some items failed and others succeeded "
    "(e.g. `products import` with failed rows)",
    ExitCode.AUTH: "authentication needed: no credential for the profile, or the server "
    "answered 401 (expired, revoked or wrong credentials)",
    ExitCode.NOT_FOUND: "not found: the server answered 404, or no such profile",
}


class CLIError(Exception):
    """An error with a message for humans and an exit code."""

    exit_code: int = ExitCode.ERROR

    def __init__(
        self, message: str, *, details: list[str] | None = None, exit_code: int | None = None
    ):
        super().__init__(message)
        self.message = message
        self.details = details or []
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(CLIError):
    exit_code = ExitCode.USAGE


class AuthRequired(CLIError):
    exit_code = ExitCode.AUTH


class NotFound(CLIError):
    exit_code = ExitCode.NOT_FOUND


class LocalValidationError(CLIError):
    """Local validation (``--dry-run``) failed; same exit code as the server's 422."""

    exit_code = ExitCode.ERROR

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(
            "Validation failed (checked locally)",
            details=[f"  - {field}: {msg}" for field, msg in errors],
        )


# -- redaction ------------------------------------------------------------------------------

_SECRETS: set[str] = set()
_PATTERNS = [
    # JWTs (access tokens)
    re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"),
    # API keys
    re.compile(r"plat_[A-Za-z0-9]{20,}"),
    # whatever follows a bearer scheme
    re.compile(r"(?i)(bearer\s+)[^\s'\"]+"),
]


def register_secret(value: str | None) -> None:
    """Remember a secret (password, token, key) so it is masked in every error output."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def redact(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text


# -- describing exceptions ------------------------------------------------------------------


def _with_suffix(message: str, suffix: str) -> str:
    return f"{message.rstrip('. ')} ({suffix})"


def _field(loc: Any) -> str:
    if isinstance(loc, list | tuple):
        return ".".join(str(part) for part in loc)
    return str(loc)


def describe(exc: BaseException) -> tuple[list[str], int]:
    """Lines for stderr (the first starts with ``Error:``) and the exit code."""
    from platform_cli.config import ConfigError
    from platform_cli.credentials import KeyringUnavailable

    if isinstance(exc, CLIError):
        return [f"Error: {exc.message}", *exc.details], int(exc.exit_code)
    if isinstance(exc, ConfigError):
        return [f"Error: {exc}"], ExitCode.ERROR
    if isinstance(exc, KeyringUnavailable):
        return [f"Error: {exc}"], ExitCode.ERROR

    try:
        from platform_sdk import errors as sdk
    except ImportError:  # pragma: no cover - the SDK ships with the CLI
        sdk = None  # type: ignore[assignment]
    if sdk is not None and isinstance(exc, sdk.APIStatusError):
        status = exc.status_code
        where = f"{status}, request {exc.request_id}" if exc.request_id else str(status)
        text = exc.detail or exc.title
        if status == 422 and exc.detail and exc.title and exc.title not in exc.detail:
            text = f"{exc.title}: {exc.detail}"
        lines = [f"Error: {_with_suffix(text, where)}"]
        for error in exc.errors:
            lines.append(f"  - {_field(error.get('loc', '?'))}: {error.get('msg', 'invalid')}")
        if status == 401:
            lines.append("  Run `platform login` to sign in again (or check PLATFORM_API_KEY).")
            return lines, ExitCode.AUTH
        if status == 404:
            return lines, ExitCode.NOT_FOUND
        if status == 429:
            retry_after = getattr(exc, "retry_after", None)
            if retry_after:
                lines.append(f"  Retry in {retry_after:.0f} s.")
        return lines, ExitCode.ERROR
    if sdk is not None and isinstance(exc, sdk.APITimeoutError):
        return [f"Error: the server did not answer in time ({exc.request.url.host})"], 1
    if sdk is not None and isinstance(exc, sdk.APIConnectionError):
        url = exc.request.url
        return [f"Error: cannot reach the server at {url.scheme}://{url.netloc.decode()}: {exc}"], 1
    if sdk is not None and isinstance(exc, sdk.PlatformError):
        return [f"Error: {exc}"], ExitCode.ERROR
    return [
        f"Error: unexpected {type(exc).__name__}: {exc}",
        "  Run again with --debug for details.",
    ], ExitCode.ERROR


def render(exc: BaseException, *, debug: bool) -> tuple[str, int]:
    """The redacted text to print on stderr and the exit code."""
    lines, code = describe(exc)
    text = "\n".join(lines)
    if debug:
        # No locals (they would hold tokens); messages are redacted like everything else.
        trace = "".join(traceback.format_exception(exc))
        text = f"{trace.rstrip()}\n{text}"
    return redact(text), code
