"""`platform tui`: a keyboard-first operator dashboard in Textual, built on ``AsyncClient``.

Importing this package is cheap (no Textual): ``platform_cli.tui.cli`` holds the Typer
command, and the app itself is imported only when the command runs. See docs/tui.md.
"""
