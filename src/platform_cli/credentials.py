"""Where credentials live: the OS keyring, or (only when asked) a 0600 file.

One entry per profile, a small JSON document: ``{"kind": "session", "access_token": ...,
"refresh_token": ...}`` or ``{"kind": "api_key", "api_key": ...}``. Never a password.
``PLATFORM_API_KEY`` overrides whatever is stored; a file entry is read before the keyring.
Keyring calls run in a thread with a timeout, because some backends (a locked desktop
keyring, D-Bus with no answer) hang.
No UI dependencies: the TUI reuses this module.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

SERVICE: Final = "platform-cli"
KEYRING_TIMEOUT_SECONDS: float = 5.0
FILE_NAME: Final = "credentials.json"

Kind = Literal["session", "api_key"]
Source = Literal["environment", "keyring", "file"]

T = TypeVar("T")


class KeyringUnavailable(Exception):
    """No working keyring backend, or it failed or timed out."""


@dataclass(frozen=True)
class Credential:
    kind: Kind
    source: Source = "keyring"
    api_key: str | None = None
    access_token: str | None = None
    refresh_token: str | None = None

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.api_key, self.access_token, self.refresh_token) if s]

    def to_json(self) -> str:
        data: dict[str, Any] = {"kind": self.kind}
        if self.kind == "api_key":
            data["api_key"] = self.api_key
        else:
            data["access_token"] = self.access_token
            data["refresh_token"] = self.refresh_token
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str, source: Source) -> Credential | None:
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        if data.get("kind") == "api_key" and isinstance(data.get("api_key"), str):
            return cls("api_key", source, api_key=data["api_key"])
        if data.get("kind") == "session" and isinstance(data.get("refresh_token"), str):
            access = data.get("access_token")
            return cls(
                "session",
                source,
                access_token=access if isinstance(access, str) else None,
                refresh_token=data["refresh_token"],
            )
        return None

    def __repr__(self) -> str:  # never print secrets, even in a debugger or traceback
        return f"Credential(kind={self.kind!r}, source={self.source!r})"

    __str__ = __repr__


def _with_timeout(fn: Callable[..., T], *args: Any) -> T:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="keyring", daemon=True)
    thread.start()
    thread.join(KEYRING_TIMEOUT_SECONDS)
    if thread.is_alive():
        raise KeyringUnavailable(f"the keyring did not answer within {KEYRING_TIMEOUT_SECONDS:g} s")
    if "error" in box:
        error = box["error"]
        raise KeyringUnavailable(f"keyring error ({type(error).__name__})") from error
    return box["value"]  # type: ignore[no-any-return]


def keyring_backend() -> Any:
    """The working keyring backend, or KeyringUnavailable explaining why there is none."""

    def find() -> Any:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return None
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            return None
        return backend

    backend = _with_timeout(find)
    if backend is None:
        raise KeyringUnavailable("no keyring backend is available on this system")
    return backend


def probe_keyring() -> None:
    """Raise KeyringUnavailable unless a backend exists *and* answers a read in time."""
    backend = keyring_backend()
    _with_timeout(backend.get_password, SERVICE, "__probe__")


class CredentialStore:
    """Credentials of every profile, in the keyring or the fallback file of ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.file = directory / FILE_NAME

    # -- reading -----------------------------------------------------------------------

    def load(self, profile: str) -> Credential | None:
        """``PLATFORM_API_KEY``, else the file entry, else the keyring entry.

        The file is read first because it is cheap and the keyring is not: finding a keyring
        backend costs a few tenths of a second per command (keyring scans its entry points and
        probes each platform's library). A profile never has an entry in both: the file gets
        one only when no keyring works, and storing in the keyring removes it (``save``).
        """
        env_key = os.environ.get("PLATFORM_API_KEY")
        if env_key:
            return Credential("api_key", "environment", api_key=env_key)
        text = self._read_file().get(profile)
        found = Credential.from_json(text, "file") if isinstance(text, str) else None
        if found is not None:
            return found
        with contextlib.suppress(KeyringUnavailable):
            backend = keyring_backend()
            text = _with_timeout(backend.get_password, SERVICE, profile)
            if text:
                return Credential.from_json(text, "keyring")
        return None

    # -- writing -----------------------------------------------------------------------

    def save(self, profile: str, credential: Credential, *, allow_file: bool = False) -> Source:
        """Store in the keyring; in the file only with ``allow_file`` (or if it came from there).

        Returns where it went; raises KeyringUnavailable when no keyring works and the file
        is not allowed.
        """
        if credential.source == "environment":
            return "environment"  # nothing to persist: the variable is the source of truth
        if credential.source == "file":
            allow_file = True
        try:
            backend = keyring_backend()
            _with_timeout(backend.set_password, SERVICE, profile, credential.to_json())
        except KeyringUnavailable:
            if not allow_file:
                raise
            self._write_entry(profile, credential.to_json())
            return "file"
        # A stale file entry for the profile would be shadowed anyway; remove it.
        if profile in self._read_file():
            self._write_entry(profile, None)
        return "keyring"

    def delete(self, profile: str) -> list[Source]:
        """Forget the profile's credential everywhere; returns where one was found."""
        removed: list[Source] = []
        with contextlib.suppress(KeyringUnavailable):
            backend = keyring_backend()
            if _with_timeout(backend.get_password, SERVICE, profile):
                _with_timeout(backend.delete_password, SERVICE, profile)
                removed.append("keyring")
        if profile in self._read_file():
            self._write_entry(profile, None)
            removed.append("file")
        return removed

    # -- the fallback file ---------------------------------------------------------------

    def _read_file(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_entry(self, profile: str, text: str | None) -> None:
        data = self._read_file()
        if text is None:
            data.pop(profile, None)
        else:
            data[profile] = text
        self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".credentials-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2)
            os.replace(tmp, self.file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def updated(credential: Credential, access_token: str, refresh_token: str) -> Credential:
    return replace(credential, access_token=access_token, refresh_token=refresh_token)
