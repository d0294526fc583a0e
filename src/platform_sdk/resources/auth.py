from __future__ import annotations

from functools import cached_property
from typing import Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, endpoint, paginated
from .._types import M, PageOptions, RequestOptions
from ..models import Session, TokenPair
from ._calls import fields, many, nothing, one


class Sessions(Resource[M]):
    """Sign-in sessions of the current user."""

    @paginated("GET", "/api/v1/auth/sessions")
    def list(self, **options: Unpack[PageOptions]) -> PageCall[Session]:
        return many(Session, options)

    @endpoint("DELETE", "/api/v1/auth/sessions/{id}")
    def revoke(self, session_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[None]:
        return nothing(options, id=session_id)


class Auth(Resource[M]):
    @endpoint("POST", "/api/v1/auth/login", authenticated=False)
    def login(
        self, *, email: str, password: str, **options: Unpack[RequestOptions]
    ) -> Call[TokenPair]:
        """Sign in; this client then sends (and refreshes) the returned tokens."""
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

    @cached_property
    def sessions(self) -> Sessions[M]:
        return Sessions(self._executor, raw=self._raw)
