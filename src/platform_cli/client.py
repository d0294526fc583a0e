"""Building an SDK client from the profile, the keyring and the environment.

No UI dependencies: the TUI reuses ``Connection`` to sign in exactly like the CLI.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from platform_cli.config import Config
from platform_cli.credentials import Credential, CredentialStore, updated
from platform_cli.errors import AuthRequired, register_secret

if TYPE_CHECKING:
    from platform_sdk import Client, RetryNotice, TokenPair

REFRESH_MARGIN_SECONDS = 30.0


def jwt_expiry(token: str | None) -> datetime | None:
    """The ``exp`` claim of a JWT, decoded without verification (the server verifies)."""
    if not token:
        return None
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return None
    return datetime.fromtimestamp(exp, UTC)


@dataclass
class Connection:
    """The resolved profile: config, server URL and credential (with where it came from)."""

    config: Config
    profile: str
    base_url: str
    store: CredentialStore
    credential: Credential | None
    warn: Callable[[str], None] = field(default=lambda message: None)

    @classmethod
    def open(
        cls,
        profile: str | None = None,
        *,
        base_url: str | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> Connection:
        config = Config.load()
        name = config.active_profile(profile)
        store = CredentialStore(config.path.parent)
        credential = store.load(name)
        if credential is not None:
            for secret in credential.secrets:
                register_secret(secret)
        return cls(
            config=config,
            profile=name,
            base_url=config.base_url(name, base_url),
            store=store,
            credential=credential,
            warn=warn or (lambda message: None),
        )

    def require_credential(self) -> Credential:
        if self.credential is None:
            raise AuthRequired(
                f"not logged in (profile {self.profile!r}); run `platform login`, "
                "or set PLATFORM_API_KEY"
            )
        return self.credential

    def _persist(self, pair: TokenPair) -> None:
        register_secret(pair.access_token)
        register_secret(pair.refresh_token)
        if self.credential is None or self.credential.kind != "session":
            return
        self.credential = updated(self.credential, pair.access_token, pair.refresh_token)
        try:
            self.store.save(self.profile, self.credential)
        except Exception as exc:  # the call itself succeeded; losing the new token is not fatal
            self.warn(
                f"could not store the refreshed token ({type(exc).__name__}); "
                "you may need to log in again"
            )

    def client(self, *, authenticated: bool = True, timeout: float = 30.0) -> Client:
        """An SDK client; with ``authenticated`` a credential is required (exit code 4)."""
        from platform_sdk import Client

        credential = self.require_credential() if authenticated else self.credential
        return Client(timeout=timeout, **self.client_options(credential))

    def client_options(
        self, credential: Credential | None, *, program: str = "platform-cli"
    ) -> dict[str, Any]:
        """What an SDK client (sync or async) is built with: the server, the credential, the
        hook that stores a refreshed session token in this profile, and the program's name
        (`platform-cli/0.1.0`, the dashboard's `platform-tui/…`) so an admin tells the CLI's
        sessions from scripts' in the Sessions list."""
        from platform_cli import __version__

        options: dict[str, Any] = {
            "base_url": self.base_url,
            "user_agent": f"{program}/{__version__}",
            "on_tokens_refreshed": self._persist,
            "on_retry": report_retry,
        }
        if credential is not None and credential.kind == "api_key":
            options["api_key"] = credential.api_key
        elif credential is not None:
            options["access_token"] = credential.access_token
            options["refresh_token"] = credential.refresh_token
        return options

    def fresh_bearer(self, client: Client) -> str:
        """The access token (refreshed now if it expires within 30 s) or the API key."""
        credential = self.require_credential()
        if credential.kind == "api_key":
            return credential.api_key or ""
        expiry = jwt_expiry(client.access_token)
        now = datetime.now(UTC)
        if expiry is None or (expiry - now).total_seconds() <= REFRESH_MARGIN_SECONDS:
            client.auth.refresh()  # persisted through on_tokens_refreshed
        return client.access_token or ""


def report_retry(notice: RetryNotice) -> None:
    """Says on stderr when the server's rate limit made the CLI wait (the SDK retried)."""
    if notice.rate_limited:
        waited = f"{notice.waited:.0f}" if notice.waited >= 1 else f"{notice.waited:.1f}"
        sys.stderr.write(f"Rate limited: waited {waited} s and retried.\n")
        sys.stderr.flush()
