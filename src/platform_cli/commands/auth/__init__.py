"""`platform auth …` (and `platform login`, `platform logout`): signing in and out, and the
sessions of the signed-in user (``client.auth`` of the SDK)."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Sign in and out; show who you are; print a token; your sessions; two-factor; "
    "verify your email; reset a forgotten password.",
    verbs={
        "status": ".status:status",
        "token": ".status:token",
        "login": ".login:login",
        "logout": ".logout:logout",
        "sessions": ".sessions",
        "mfa": ".mfa",
        "verify-email": ".verify_email:verify_email",
        "reset-password": ".reset_password:reset_password",
    },
)
