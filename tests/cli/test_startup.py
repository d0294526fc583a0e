"""Start-up: a group's help (`platform --help`, `platform products --help`) is drawn by
``platform_cli.group_help`` exactly as Typer's own renderer would draw it, and
`platform --version` is answered without importing Typer."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from platform_cli import group_help
from platform_cli.lazy import LazyGroup
from platform_cli.main import app


def group_paths() -> Iterator[list[str]]:
    """The command path of the root and of every noun group under it."""
    root = get_command(app)
    stack: list[tuple[list[str], LazyGroup]] = [([], root)]  # type: ignore[list-item]
    while stack:
        path, group = stack.pop()
        yield path
        for name in group.noun.verbs:
            spec = group.noun.verbs[name]
            if isinstance(spec, str) and ":" in spec:
                continue  # a verb, or a Typer app that Typer draws itself
            sub = group.get_command(None, name)  # type: ignore[arg-type]
            assert isinstance(sub, LazyGroup)
            stack.append(([*path, name], sub))


def help_pages(env: dict[str, str]) -> dict[str, str]:
    runner = CliRunner()
    pages = {}
    for path in group_paths():
        result = runner.invoke(app, [*path, "--help"], env=env)
        assert result.exit_code == 0, result.output
        pages[" ".join(path)] = result.stdout
    return pages


@pytest.mark.parametrize(
    "env",
    [{"COLUMNS": "100"}, {"COLUMNS": "52"}, {"COLUMNS": "160", "FORCE_COLOR": "1"}],
    ids=["100-columns", "52-columns", "160-columns-colour"],
)
def test_group_help_is_typers_own(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    drawn_by_us: list[bool] = []
    draw = group_help.draw

    def recorded(group: LazyGroup, ctx: Any) -> bool:
        drawn_by_us.append(draw(group, ctx))
        return drawn_by_us[-1]

    with monkeypatch.context() as patch:
        patch.setattr(group_help, "draw", recorded)
        drawn = help_pages(env)
    assert len(drawn_by_us) == len(drawn) and all(drawn_by_us)  # no group fell back to Typer
    with monkeypatch.context() as patch:
        patch.setattr(group_help, "draw", lambda group, ctx: False)  # Typer draws them all
        typers = help_pages(env)
    assert len(drawn) > 15 and "products" in drawn and "" in drawn
    assert "Usage:" in drawn["products"] and "Catalog" in drawn[""]
    assert ("\x1b[" in drawn[""]) == ("FORCE_COLOR" in env)
    for path, page in drawn.items():
        assert page == typers[path], f"`platform {path} --help` differs from Typer's"


def run_entry_point(*args: str) -> tuple[str, set[str]]:
    """What `platform ARGS` prints, run through the entry point in a fresh interpreter, and
    the modules it had imported by the end."""
    code = (
        f"import sys\nsys.argv = ['platform', *{list(args)!r}]\n"
        "from platform_cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('-- modules --', *sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    output, _, modules = result.stdout.partition("-- modules --")
    return output, set(modules.split())


def test_root_help_does_not_import_typers_help_module(config_dir: Path) -> None:
    output, modules = run_entry_point("--help")
    assert "Usage: platform" in output
    assert "platform_cli.group_help" in modules
    assert not modules & {"typer.rich_utils", "rich.markdown", "markdown_it", "pygments"}


def test_version_is_answered_without_typer(config_dir: Path) -> None:
    output, modules = run_entry_point("--version")
    assert output.startswith("platform ") and output.split()[1][0].isdigit()
    assert not {m for m in modules if m.split(".")[0] in ("typer", "click", "rich")}
