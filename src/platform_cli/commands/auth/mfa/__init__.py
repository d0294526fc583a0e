"""`platform auth mfa …`: the TOTP second factor of the signed-in user
(``client.auth.mfa`` of the SDK)."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Two-factor sign-in (TOTP): turn it on or off; new recovery codes.",
    verbs={
        "enable": ".enable:enable",
        "disable": ".change:disable",
        "recovery-codes": ".change:recovery_codes",
    },
)
