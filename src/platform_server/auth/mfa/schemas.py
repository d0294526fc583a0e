from __future__ import annotations

from typing import Annotated

from pydantic import Field

from platform_server.core.schemas import InputModel, OutputModel

Code = Annotated[
    str,
    Field(
        min_length=6,
        max_length=32,
        description="A 6-digit code from the authenticator app, or a recovery code",
    ),
]


class MfaEnrollment(OutputModel):
    secret: str = Field(description="The TOTP secret (base32); shown this once")
    provisioning_uri: str = Field(description="`otpauth://` URI for an authenticator app")


class MfaCodeIn(InputModel):
    code: Code


class MfaVerifyIn(InputModel):
    challenge: Annotated[str, Field(min_length=1, max_length=2048)]
    code: Code


class MfaRecoveryCodes(OutputModel):
    recovery_codes: list[str] = Field(description="Single-use codes, shown this once")
