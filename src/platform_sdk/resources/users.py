from __future__ import annotations

from typing import Unpack
from uuid import UUID

from .._endpoints import Call, PageCall, Resource, SubResource, endpoint, paginated
from .._types import CreateOptions, M, NullType, PageOptions, RequestOptions, Role, UserStatus
from ..errors import PlatformError
from ..models import Accepted, Profile, User
from ._calls import fields
from .avatars import Avatars


class Profiles(Resource[M]):
    @endpoint("GET", "/api/v1/users/{id}/profile")
    def get(self, user_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[Profile]: ...

    @endpoint("PUT", "/api/v1/users/{id}/profile")
    def set(
        self,
        user_id: UUID | str,
        *,
        bio: str | NullType | None = None,
        location: str | NullType | None = None,
        phone: str | NullType | None = None,
        sms_opt_in: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[Profile]:
        """Replace the profile: fields left out are cleared by the server (the avatar is
        set apart, with ``users.avatar.set``).

        ``sms_opt_in=True`` sends order updates by SMS to ``phone``; left out, it is off.
        """
        ...


class Users(Resource[M]):
    @endpoint("POST", "/api/v1/users", creates=True)
    def create(
        self,
        *,
        email: str,
        password: str,
        name: str,
        role: Role | None = None,
        **options: Unpack[CreateOptions],
    ) -> Call[User]:
        """Create a user as an admin (verified; ``role`` may be set): the new user.

        Anyone else registers with :meth:`register`.
        """
        return Call(parse=_created_user, options=options, body=fields(locals()))

    @endpoint("POST", "/api/v1/users", creates=True, authenticated=False)
    def register(
        self, *, email: str, password: str, name: str, **options: Unpack[CreateOptions]
    ) -> Call[Accepted]:
        """Sign up: the same answer whether or not the email has an account. A new
        address gets a verification email (see ``auth.verify_email``)."""
        ...

    @paginated("GET", "/api/v1/users")
    def list(
        self,
        *,
        role: Role | None = None,
        status: UserStatus | None = None,
        q: str | None = None,
        **options: Unpack[PageOptions],
    ) -> PageCall[User]:
        """Users, newest first; ``q`` matches part of the email or name."""
        ...

    @endpoint("GET", "/api/v1/users/me")
    def me(self, **options: Unpack[RequestOptions]) -> Call[User]: ...

    @endpoint("GET", "/api/v1/users/{id}")
    def get(self, user_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[User]: ...

    @endpoint("PATCH", "/api/v1/users/{id}")
    def update(
        self,
        user_id: UUID | str,
        *,
        name: str | None = None,
        email: str | None = None,
        role: Role | None = None,
        status: UserStatus | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[User]:
        """Change the given fields; only an admin may change ``role`` and ``status``."""
        ...

    @endpoint("DELETE", "/api/v1/users/{id}")
    def delete(self, user_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Delete the user with its profile, sessions and API keys."""
        ...

    @endpoint("POST", "/api/v1/users/{id}/password")
    def change_password(
        self,
        user_id: UUID | str,
        *,
        new_password: str,
        current_password: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call[None]:
        """Set a new password (``current_password`` is required unless an admin changes it).

        Revokes the user's other sessions.
        """
        ...

    @endpoint("DELETE", "/api/v1/users/{id}/sessions")
    def revoke_sessions(self, user_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[None]:
        """End every session of the user (its refresh tokens stop working).

        For the user themself or an admin; a user's own call ends the current session too.
        """
        ...

    @endpoint("DELETE", "/api/v1/users/{id}/mfa")
    def reset_mfa(self, user_id: UUID | str, **options: Unpack[RequestOptions]) -> Call[None]:
        """Admin only: turn another user's second factor off (a lost phone) and end their
        sessions; they sign in with the password and enrol again. One's own factor is
        turned off with ``auth.mfa.disable`` and a code."""
        ...

    profile: SubResource[Profiles[M]] = SubResource(lambda: Profiles)

    avatar: SubResource[Avatars[M]] = SubResource(lambda: Avatars)


def _created_user(body: object) -> User:
    # The server answers anyone without users:write as a sign-up (202, no user), so
    # that it never tells whether the address exists: say so instead of a parse error.
    if isinstance(body, dict) and "id" not in body:
        raise PlatformError(
            "Only an admin creates users, and this account is not one: the server took "
            "the request as a sign-up. Sign up with users.register() instead."
        )
    return User.model_validate(body)
