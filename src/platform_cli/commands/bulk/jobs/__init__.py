"""`platform bulk jobs …`: mirrors ``client.bulk.jobs`` of the SDK."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Bulk jobs: list, show, cancel, and download an import's report or an export.",
    verbs={
        "list": ".verbs:list_jobs",
        "get": ".verbs:get",
        "cancel": ".verbs:cancel",
        "report": ".verbs:report",
    },
)
