from __future__ import annotations

from typing import Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, SubResource, endpoint, paginated
from .._types import M, PageOptions, RequestOptions
from ..models import Accepted, MfaEnrollment, MfaRecoveryCodes, Session, TokenPair
from ._calls import fields, nothing, one


class Sessions(Resource[M]):
    """Sign-in sessions of the current user."""

    @paginated("GET", "/api/v1/auth/sessions")
    def list(self, **options: Unpack[PageOptions]) -> PageCall[Session]: ...

    @endpoint("DELETE", "/api/v1/auth/sessions/{id}")
    def revoke(self, session_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[None]: ...


class Mfa(Resource[M]):
    """TOTP second factor of the current user, and the second step of signing in."""

    @endpoint("POST", "/api/v1/auth/mfa/enroll")
    def enroll(self, **options: Unpack[RequestOptions]) -> Call[MfaEnrollment]:
        """A new secret and its ``otpauth://`` URI (shown once); on after :meth:`confirm`."""
        ...

    @endpoint("POST", "/api/v1/auth/mfa/confirm")
    def confirm(self, *, code: str, **options: Unpack[RequestOptions]) -> Call[MfaRecoveryCodes]:
        """Turn the second factor on with a first code; answers the recovery codes once."""
        ...

    @endpoint("POST", "/api/v1/auth/mfa/disable")
    def disable(self, *, code: str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Turn the second factor off with a current code (or a recovery code)."""
        ...

    @endpoint("POST", "/api/v1/auth/mfa/recovery-codes")
    def recovery_codes(
        self, *, code: str, **options: Unpack[RequestOptions]
    ) -> Call[MfaRecoveryCodes]:
        """New recovery codes (the old ones stop working), with a current code."""
        ...

    @endpoint("POST", "/api/v1/auth/mfa/verify", authenticated=False)
    def verify(
        self, *, challenge: str, code: str, **options: Unpack[RequestOptions]
    ) -> Call[TokenPair]:
        """Finish signing in: the ``challenge`` of :class:`MfaRequiredError` and a TOTP or
        recovery code. This client then sends (and refreshes) the returned tokens."""
        return one(TokenPair, options, body=fields(locals()), auth_effect="store")


class Auth(Resource[M]):
    @endpoint("POST", "/api/v1/auth/login", authenticated=False)
    def login(
        self, *, email: str, password: str, **options: Unpack[RequestOptions]
    ) -> Call[TokenPair]:
        """Sign in; this client then sends (and refreshes) the returned tokens.

        Raises :class:`~platform_sdk.MfaRequiredError` (carrying ``challenge``) when the
        account has a second factor: finish with :meth:`Mfa.verify`.
        """
        return one(TokenPair, options, body=fields(locals()), auth_effect="store")

    @endpoint("POST", "/api/v1/auth/refresh", authenticated=False)
    def refresh(
        self, *, refresh_token: str | None = None, **options: Unpack[RequestOptions]
    ) -> Call[TokenPair]:
        """Exchange the refresh token (by default the one this client holds) for new tokens.

        The client normally does this by itself; the new pair is stored in the client and
        passed to ``on_tokens_refreshed``.
        """
        return one(TokenPair, options, body=fields(locals()), auth_effect="rotate")

    @endpoint("POST", "/api/v1/auth/logout")
    def logout(
        self, *, refresh_token: str | None = None, **options: Unpack[RequestOptions]
    ) -> Call[None]:
        """Revoke the current session (or the one of ``refresh_token``) and forget the tokens."""
        return nothing(options, body=fields(locals()), auth_effect="clear")

    @endpoint("POST", "/api/v1/auth/verify-email", authenticated=False)
    def verify_email(self, token: str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Redeem the code from the verification email (once, before it expires)."""
        ...

    @endpoint("POST", "/api/v1/auth/verify-email/resend", authenticated=False)
    def resend_verification(self, email: str, **options: Unpack[RequestOptions]) -> Call[Accepted]:
        """Send the verification email again; the same answer whatever the address."""
        ...

    @endpoint("POST", "/api/v1/auth/password-reset", authenticated=False)
    def request_password_reset(
        self, email: str, **options: Unpack[RequestOptions]
    ) -> Call[Accepted]:
        """Email a reset code (valid 30 minutes by default); the same answer whatever
        the address."""
        ...

    @endpoint("POST", "/api/v1/auth/password-reset/confirm", authenticated=False)
    def confirm_password_reset(
        self, token: str, new_password: str, **options: Unpack[RequestOptions]
    ) -> Call[None]:
        """Set a new password with the emailed code; every session of the account ends."""
        ...

    sessions: SubResource[Sessions[M]] = SubResource(lambda: Sessions)

    mfa: SubResource[Mfa[M]] = SubResource(lambda: Mfa)
