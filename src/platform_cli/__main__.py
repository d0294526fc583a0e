"""`python -m platform_cli` runs the `platform` command."""

from platform_cli.main import run

run()
