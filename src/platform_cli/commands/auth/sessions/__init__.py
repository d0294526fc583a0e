"""`platform auth sessions …` (also, for one release, `platform sessions …`): mirrors
``client.auth.sessions`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Your sign-in sessions (devices).",
    verbs={"list": ".list:list_sessions", "revoke": ".revoke:revoke"},
)
