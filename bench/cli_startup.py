"""Cold start of the CLI (`platform --help`, `platform --version`) and of `import
platform_sdk`, in fresh processes.

    python bench/cli_startup.py [--runs 20]

Prints median and p95 wall time per command; the targets are < 0.25 s for the CLI and
< 0.3 s for the SDK import. Exits 1 if a median misses its target, and lists heavy
modules that the CLI commands imported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 0.25
SDK_IMPORT_TARGET_SECONDS = 0.3
COMMANDS = (["--help"], ["--version"])
# Modules `--help`/`--version` must not import (the server, the TUI, the SDK, keyring).
FORBIDDEN = ("platform_server", "textual", "platform_sdk", "keyring", "httpx", "pydantic", "yaml")


def _entry() -> list[str]:
    script = Path(sys.executable).with_name("platform")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from platform_cli.main import run; run()"]


def measure(args: list[str], runs: int, command: list[str] | None = None) -> list[float]:
    env = {**os.environ, "COLUMNS": "100"}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*(command or _entry()), *args], check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def imported_modules(args: list[str]) -> set[str]:
    code = (
        "import sys\nfrom platform_cli.main import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    return {line.split(".")[0] for line in result.stdout.splitlines()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    measure(["--version"], 2)  # warm the bytecode cache; "cold" means a new process
    ok = True
    header = f"{'command':<22}{'runs':>6}{'median':>10}{'p95':>10}{'min':>10}"
    print(f"{header}  (target < {TARGET_SECONDS} s)")
    for args in COMMANDS:
        times = measure(args, options.runs)
        median = statistics.median(times)
        ok &= median < TARGET_SECONDS
        print(
            f"{'platform ' + ' '.join(args):<22}{len(times):>6}{median:>9.3f}s{p95(times):>9.3f}s"
            f"{min(times):>9.3f}s  {'ok' if median < TARGET_SECONDS else 'SLOW'}"
        )
    sdk = measure([], options.runs, command=[sys.executable, "-c", "import platform_sdk"])
    median = statistics.median(sdk)
    ok &= median < SDK_IMPORT_TARGET_SECONDS
    print(
        f"{'import platform_sdk':<22}{len(sdk):>6}{median:>9.3f}s{p95(sdk):>9.3f}s"
        f"{min(sdk):>9.3f}s  {'ok' if median < SDK_IMPORT_TARGET_SECONDS else 'SLOW'}"
        f"  (target < {SDK_IMPORT_TARGET_SECONDS} s)"
    )
    for args in COMMANDS:
        heavy = sorted(imported_modules(args) & set(FORBIDDEN))
        print(f"heavy imports for {' '.join(args)}: {', '.join(heavy) or 'none'}")
        ok &= not heavy
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
