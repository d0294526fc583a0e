from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from platform_server.core.schemas import ExactText, InputModel, OutputModel
from platform_server.users.api import Password


class LoginRequest(InputModel):
    email: Annotated[str, Field(min_length=3, max_length=255)]
    # As long as a password may be (users.api.Password), and never stripped.
    password: Annotated[ExactText, Field(min_length=1, max_length=1024)]


class RefreshRequest(InputModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=255)]


class LogoutRequest(InputModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=255)] | None = None


class TokenPair(OutputModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int = Field(description="Seconds until the access token expires")


class SessionOut(OutputModel):
    id: uuid.UUID
    user_agent: str | None
    ip_address: str | None
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    mfa: bool = Field(False, description="Whether this sign-in passed a second factor")
    current: bool = False


class EmailRequest(InputModel):
    email: Annotated[str, Field(min_length=3, max_length=255)]


class VerifyEmailRequest(InputModel):
    token: Annotated[str, Field(min_length=1, max_length=255)]


class PasswordResetConfirm(InputModel):
    token: Annotated[str, Field(min_length=1, max_length=255)]
    # The document states the policy's bounds; its strength check is the users domain's.
    new_password: Password
