"""CPU per access-log line: the structured line (structlog) against a plain one.

    python bench/log_cost.py [--lines 20000] [--rounds 7]

Times, in CPU seconds of this process, the access line the request middleware writes
(`core.middleware._log_access`: request id and caller from the request context,
redaction, JSON or console rendering, one write to stderr, here /dev/null), at
`info` (written) and at `warning` (below the level: not built), and for reference a
plain standard-library line of the same facts (`%s %s %s %.1fms`, the line this
project wrote before). Rounds alternate, and the median of each is printed: on a
shared host whose speed drifts, compare figures of one run.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable

from platform_server.core import middleware
from platform_server.core.logging import configure_structlog
from platform_server.core.request_context import note_caller, set_request_id, start_caller


def _per_line(write: Callable[[], None], lines: int) -> float:
    started = time.process_time()
    for _ in range(lines):
        write()
    return (time.process_time() - started) / lines * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    report = sys.stdout
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (for the whole run)
    set_request_id("bench-request")
    start_caller()
    note_caller("01a24e2c-acb0-71f4-b4d4-f320dccdea2d", None)
    scope = {"type": "http", "method": "GET", "path": "/api/v1/products"}
    plain = logging.getLogger("bench.plain")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    plain.addHandler(handler)
    plain.setLevel(logging.INFO)
    plain.propagate = False

    def structured() -> None:
        middleware._log_access(scope, 200, 0.0)

    def old() -> None:
        plain.info("%s %s %s %.1fms", "GET", "/api/v1/products", 200, 1.2)

    cases: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for name, level, fmt, write in (
            ("structured json, written", "info", "json", structured),
            ("structured console, written", "info", "console", structured),
            ("structured, below the level", "warning", "json", structured),
            ("plain stdlib line (before)", "info", "json", old),
        ):
            configure_structlog(level, fmt)
            middleware.access_log = middleware.get_logger("platform_server.access")
            cases.setdefault(name, []).append(_per_line(write, args.lines))
    for name, values in cases.items():
        print(f"{name:30} {statistics.median(values):6.1f} µs CPU a line", file=report)


if __name__ == "__main__":
    main()
