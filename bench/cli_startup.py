"""Cold start of the CLI and the SDK, in fresh processes, beside their baselines.

    python bench/cli_startup.py [--runs 20]

Starts a demo server of its own (SQLite in a temporary directory, a loopback port; stopped
at the end), creates an API key on it, then times in the same run, interleaved round by
round so that every command sees the same machine load:

- ``platform --version`` and ``platform --help``;
- ``platform products list -o json``: a real request, end to end (key in the environment);
- the same with the key in ``credentials.json`` (a machine without a keyring);
- ``curl`` of the same request (``GET /api/v1/products?limit=20``), the floor for it;
- ``python -c pass``, ``import httpx``, ``import platform_sdk`` and
  ``from platform_sdk import Client``.

Prints median, p95, min and median CPU time (user + system, which a loaded machine inflates
far less than wall time) per command, the ratios (CLI vs curl and vs ``import httpx``, SDK
import vs httpx import), the load average, and heavy modules the commands imported. The
timed processes run without ``PYTHONDONTWRITEBYTECODE`` so that they load ``.pyc`` files, as
an installed package does. Targets (quiet 2-core machine): ``--help`` <= 0.15 s,
``products list`` <= 0.35 s, SDK import <= 1.3 x httpx. On a busy machine compare the
ratios and CPU times, not the wall seconds. Exits 1 when a command imports a
module it must not (deterministic); missed timing targets are reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

HELP_TARGET = 0.15
REQUEST_TARGET = 0.35
IMPORT_RATIO_TARGET = 1.3
# Modules `--help`/`--version` must not import (the server, the TUI, the SDK, keyring, and
# what Typer's own help renderer would bring: Markdown and Pygments).
FORBIDDEN = (
    "platform_server",
    "textual",
    "platform_sdk",
    "keyring",
    "httpx",
    "pydantic",
    "yaml",
    "markdown_it",
    "pygments",
)
# What `products list` must not import: another client, verifier or resource's models.
FORBIDDEN_FOR_REQUEST = (
    "platform_server",
    "textual",
    "platform_sdk._async_client",
    "platform_sdk.webhooks",
    "platform_sdk.models.orders",
    "platform_sdk.models.users",
    "platform_sdk.resources.orders",
    "asyncio",
)
LIST_ARGS = ["products", "list", "-o", "json"]
STORED = "products list, key in credentials.json"


def _entry() -> list[str]:
    script = Path(sys.executable).with_name("platform")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from platform_cli.main import run; run()"]


def _with_bytecode_cache(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without ``PYTHONDONTWRITEBYTECODE``, so that the warm-up round writes the
    ``.pyc`` files and the timed rounds load them, as an installed package does (pip compiles
    them at install). With the variable set, every source module of the worktree is compiled
    again in every process, a cost users never pay."""
    return {k: v for k, v in environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int) -> tuple[subprocess.Popen[bytes], str, str]:
    """The demo server on loopback; returns it with the demo admin's email and password."""
    env = {
        **os.environ,
        "PLATFORM_DATA_DIR": str(data_dir),
        "PLATFORM_LOG_LEVEL": "warning",
        "PLATFORM_CONFIG_DIR": str(data_dir / "config"),
    }
    log = data_dir / "server.out"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "platform_cli", "server", "run", "--demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                lines = log.read_text().splitlines()
                found = {k.strip(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
                return server, found["email"], found["password"]
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def make_api_key(base_url: str, email: str, password: str) -> str:
    from platform_sdk import Client

    with Client(base_url) as client:
        client.auth.login(email=email, password=password)
        return client.api_keys.create(name="cli-startup bench").key


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time, and the CPU time (user + system) the process used: on a loaded machine the
    wall time mostly measures the queue for a core, the CPU time much less so."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def write_credential_file(config_dir: Path, key: str) -> None:
    """The API key stored as ``platform login --insecure-storage`` stores it (no keyring)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    entry = json.dumps({"kind": "api_key", "api_key": key})
    (config_dir / "credentials.json").write_text(json.dumps({"default": entry}))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def imported_modules(args: list[str], env: dict[str, str]) -> set[str]:
    code = (
        "import sys\nfrom platform_cli.main import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
        "print('-- modules --', *sys.modules, sep='\\n')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    # After the marker only: the command's own output (help text) holds words too.
    return set(result.stdout.split("-- modules --\n", 1)[1].split())


def heavy(modules: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f for f in forbidden if any(m == f or m.startswith(f + ".") for m in modules))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    curl = shutil.which("curl")
    if curl is None:
        raise SystemExit("curl is needed as the baseline")
    data_dir = Path(tempfile.mkdtemp(prefix="cli-startup-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server, email, password = start_server(data_dir, port)
    try:
        key = make_api_key(base_url, email, password)
        env = {
            **_with_bytecode_cache(os.environ),
            "COLUMNS": "100",
            "PLATFORM_BASE_URL": base_url,
            "PLATFORM_API_KEY": key,
            "PLATFORM_CONFIG_DIR": str(data_dir / "config"),
        }
        # The same request with the key in the credential file instead of the environment:
        # what a machine without a keyring (a server, CI) runs after `login --insecure-storage`.
        stored = {k: v for k, v in env.items() if k != "PLATFORM_API_KEY"}
        stored["PLATFORM_CONFIG_DIR"] = str(data_dir / "stored")
        write_credential_file(data_dir / "stored", key)
        python = [sys.executable, "-c"]
        commands: dict[str, list[str]] = {
            "platform --version": [*_entry(), "--version"],
            "platform --help": [*_entry(), "--help"],
            "platform products list -o json": [*_entry(), *LIST_ARGS],
            STORED: [*_entry(), *LIST_ARGS],
            "curl (same request)": [
                curl,
                "-sf",
                "-H",
                f"Authorization: Bearer {key}",
                f"{base_url}/api/v1/products?limit=20",
            ],
            "python -c pass": [*python, "pass"],
            "import httpx": [*python, "import httpx"],
            "import platform_sdk": [*python, "import platform_sdk"],
            "from platform_sdk import Client": [*python, "from platform_sdk import Client"],
        }
        envs = {name: stored if name == STORED else env for name in commands}
        for name, command in commands.items():  # warm bytecode caches; "cold" = a new process
            run_once(command, envs[name])
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(options.runs):  # round-robin: each round sees the same load
            for name, command in commands.items():
                wall, used = run_once(command, envs[name])
                times[name].append(wall)
                cpu[name].append(used)
        load = os.getloadavg()
        request_modules = imported_modules(LIST_ARGS, env)
        # As typed in a fresh shell: no profile or credential in the environment.
        plain = {**os.environ, "PLATFORM_CONFIG_DIR": str(data_dir / "plain")}
        help_modules = {m.split(".")[0] for m in imported_modules(["--help"], plain)}
        version_modules = {m.split(".")[0] for m in imported_modules(["--version"], plain)}
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)

    median = {name: statistics.median(values) for name, values in times.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    targets = {"platform --help": HELP_TARGET, "platform products list -o json": REQUEST_TARGET}
    print(f"{options.runs} runs per command, interleaved; {os.cpu_count()} CPUs; load average")
    print(f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)\n")
    print(f"| {'command':<36} | median | p95 | min | CPU (median) | target |")
    print(f"|{'-' * 38}|-------:|----:|----:|-------------:|--------|")
    for name, values in times.items():
        target = targets.get(name)
        verdict = ""
        if target is not None:
            verdict = f"<= {target} s {'ok' if median[name] <= target else 'SLOW'}"
        print(
            f"| {name:<36} | {median[name]:.3f} s | {p95(values):.3f} s | {min(values):.3f} s"
            f" | {median_cpu[name]:.3f} s | {verdict} |"
        )

    def ratio(a: str, b: str) -> float:
        return median[a] / median[b]

    def cpu_ratio(a: str, b: str) -> float:
        return median_cpu[a] / median_cpu[b]

    sdk_ratio = ratio("import platform_sdk", "import httpx")
    print()
    vs_curl = ratio("platform products list -o json", "curl (same request)")
    print(f"products list / curl: {vs_curl:.1f} x")
    print("wall (CPU) time as a multiple of `import httpx`, same run:")
    for name in ("platform --version", "platform --help", "platform products list -o json", STORED):
        wall, used = ratio(name, "import httpx"), cpu_ratio(name, "import httpx")
        print(f"  {name}: {wall:.2f} x ({used:.2f} x)")
    print(f"--help / python -c pass: {ratio('platform --help', 'python -c pass'):.1f} x")
    verdict = "ok" if sdk_ratio <= IMPORT_RATIO_TARGET else "SLOW"
    print(f"import platform_sdk / import httpx: {sdk_ratio:.2f} x ({verdict}, target <= 1.3)")
    client_ratio = ratio("from platform_sdk import Client", "import httpx")
    print(f"from platform_sdk import Client / import httpx: {client_ratio:.2f} x")

    ok = True
    for label, found in (
        ("--help", heavy(help_modules, FORBIDDEN)),
        ("--version", heavy(version_modules, FORBIDDEN)),
        ("products list -o json", heavy(request_modules, FORBIDDEN_FOR_REQUEST)),
    ):
        print(f"heavy imports for {label}: {', '.join(found) or 'none'}")
        ok &= not found
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
