"""`platform bulk …`: mirrors ``client.bulk`` of the SDK: imports and exports as
server-side jobs, for CI scripts."""

from platform_cli.lazy import Noun

NOUN = Noun(
    help="Imports and exports that run on the server: start, wait, download the result.",
    verbs={"import": ".run:import_file", "export": ".run:export_file", "jobs": ".jobs"},
)
