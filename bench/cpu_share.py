"""CPU time used by the server's processes and by local PostgreSQL, read from /proc.

On a machine whose speed drifts between runs, CPU per request is a steadier figure
than requests per second. Linux only; elsewhere the figures are simply left out.
"""

from __future__ import annotations

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


def _postgres() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip().startswith("postgres"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def snapshot(server_pid: int, *, postgres_too: bool) -> Shares:
    """CPU seconds so far of the server's process tree and, if asked, of every local
    postgres process (None where /proc is missing)."""
    try:
        shares = {"server": sum(_cpu_seconds(p) for p in _tree(server_pid))}
    except OSError:
        return None
    if not postgres_too:
        return shares
    postgres = 0.0
    for pid in _postgres():
        try:
            postgres += _cpu_seconds(pid)
        except OSError:  # a backend that ended meanwhile
            continue
    shares["postgres"] = postgres
    return shares


Shares = dict[str, float] | None


def per_request(before: Shares, after: Shares, requests: int) -> str:
    """`server X ms, postgres Y ms` of CPU per request, or `-`."""
    if before is None or after is None or requests <= 0:
        return "-"
    return ", ".join(
        f"{name} {(after[name] - before[name]) / requests * 1000:.2f} ms" for name in after
    )
