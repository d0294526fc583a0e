"""Profiles and the config file (``config.json`` in the config directory).

No secrets live here: credentials are in the OS keyring (see ``credentials``). The file is::

    {
      "current_profile": "default",
      "defaults": {"output": "table"},
      "profiles": {"default": {"base_url": "http://127.0.0.1:8000", "email": "...", ...}}
    }

A setting is looked up in the environment, then the profile, then ``defaults``. This module
has no UI dependencies so the TUI can reuse it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

DEFAULT_PROFILE: Final = "default"
DEFAULT_BASE_URL: Final = "http://127.0.0.1:8000"
OUTPUT_FORMATS: Final = ("table", "json", "jsonl", "yaml", "csv")

# Keys `platform config set` accepts, with a description for `config list`/help.
SETTABLE_KEYS: Final = {
    "base_url": "URL of the Platform server, e.g. https://platform.example.com",
    "output": f"default output format: {', '.join(OUTPUT_FORMATS)}",
}
# Keys `login` records about the credential; shown by `profiles show`, not settable.


class ConfigError(ValueError):
    """An invalid key or value, or an unreadable config file."""


def config_dir() -> Path:
    """``$PLATFORM_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/platform``, else ``~/.config/platform``."""
    explicit = os.environ.get("PLATFORM_CONFIG_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "platform"


def validate_setting(key: str, value: str) -> str:
    """The normalised value, or ConfigError."""
    if key not in SETTABLE_KEYS:
        raise ConfigError(f"unknown key {key!r}; known keys: {', '.join(SETTABLE_KEYS)}")
    if key == "output" and value not in OUTPUT_FORMATS:
        raise ConfigError(f"output must be one of {', '.join(OUTPUT_FORMATS)}, not {value!r}")
    if key == "base_url":
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
            raise ConfigError(f"base_url must be an http:// or https:// URL, not {value!r}")
    return value


def validate_profile_name(name: str) -> str:
    if not name or len(name) > 64 or not all(c.isalnum() or c in "-_." for c in name):
        raise ConfigError(
            f"invalid profile name {name!r}: use 1-64 letters, digits, '-', '_' or '.'"
        )
    return name


@dataclass
class Config:
    path: Path
    current_profile: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path | None = None) -> Config:
        path = (directory or config_dir()) / "config.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise ConfigError(f"cannot read {path}: not a JSON object")
        profiles = raw.get("profiles") if isinstance(raw.get("profiles"), dict) else {}
        return cls(
            path,
            current_profile=raw.get("current_profile") or None,
            defaults=dict(raw.get("defaults") or {}),
            profiles={k: dict(v) for k, v in (profiles or {}).items() if isinstance(v, dict)},
        )

    def save(self) -> None:
        """Write atomically, readable by the owner only (it holds emails, not secrets)."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {
            "current_profile": self.current_profile,
            "defaults": self.defaults,
            "profiles": self.profiles,
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".config-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.write("\n")
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- profiles ----------------------------------------------------------------------

    def active_profile(self, explicit: str | None = None) -> str:
        """``--profile``, else ``$PLATFORM_PROFILE``, else the current profile, else default."""
        return (
            explicit
            or os.environ.get("PLATFORM_PROFILE")
            or self.current_profile
            or DEFAULT_PROFILE
        )

    def profile(self, name: str) -> dict[str, Any]:
        """The settings of `name`: a new profile if there is none, its name checked first
        (it names a keyring entry and is typed on command lines)."""
        if name not in self.profiles:
            validate_profile_name(name)
        return self.profiles.setdefault(name, {})

    def get(self, profile: str, key: str) -> Any:
        value = self.profiles.get(profile, {}).get(key)
        return value if value is not None else self.defaults.get(key)

    def set(self, profile: str | None, key: str, value: str) -> str:
        """Set in the profile, or in ``defaults`` when profile is None."""
        value = validate_setting(key, value)
        target = self.defaults if profile is None else self.profile(profile)
        target[key] = value
        return value

    def unset(self, profile: str | None, key: str) -> bool:
        target = self.defaults if profile is None else self.profiles.get(profile, {})
        return target.pop(key, None) is not None

    def delete_profile(self, name: str) -> bool:
        existed = self.profiles.pop(name, None) is not None
        if self.current_profile == name:
            self.current_profile = None
        return existed

    def base_url(self, profile: str, explicit: str | None = None) -> str:
        """``$PLATFORM_BASE_URL`` overrides everything, then ``--base-url``, then the profile."""
        url = (
            os.environ.get("PLATFORM_BASE_URL")
            or explicit
            or self.get(profile, "base_url")
            or DEFAULT_BASE_URL
        )
        return str(url).rstrip("/")

    def output(self, profile: str) -> str | None:
        value = self.get(profile, "output")
        return value if value in OUTPUT_FORMATS else None
