"""`platform notifications …`: mirrors ``client.notifications`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Emails and SMS sent to customers and admins; retry failed ones (staff).",
    verbs={"list": ".list:list_notifications", "get": ".list:get", "retry": ".retry:retry"},
)
