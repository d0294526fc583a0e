"""`platform audit …`: mirrors ``client.audit`` of the SDK (admins)."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="The audit trail (admins): who changed what, from where, and when.",
    verbs={"list": ".list:list_records", "get": ".list:get"},
)
