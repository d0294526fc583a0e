"""`platform users …`: mirrors ``client.users`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Sign up; create, list, change and delete users.",
    verbs={
        "list": ".list:list_users",
        "me": ".list:me",
        "get": ".list:get",
        "create": ".create:create",
        "register": ".create:register",
        "update": ".update:update",
        "suspend": ".update:suspend",
        "activate": ".update:activate",
        "set-role": ".update:set_role",
        "delete": ".delete:delete",
        "revoke-sessions": ".delete:revoke_sessions",
        "mfa-reset": ".delete:mfa_reset",
        "set-password": ".password:set_password",
        "profile": Noun(
            help="A user's profile (bio, avatar, location, phone, SMS opt-in).",
            verbs={"get": ".profile:profile_get", "set": ".profile:profile_set"},
        ),
    },
)
