"""Bulk jobs (``platform bulk jobs``): imports and exports running on the server, with
live progress bars; cancel one (it stops before its next chunk), open an import's
per-row report in the detail pane.

A finished job's report never changes, so it is downloaded once and kept for the
session; a running job's row and detail are refreshed with the view.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import BindingType

from platform_cli.tui.actions import ActionPlan
from platform_cli.tui.filters import FilterKey, FilterSpec
from platform_cli.tui.format import DASH, short_id, status_text, timestamp
from platform_cli.tui.keys import key
from platform_cli.tui.screens.common import when
from platform_cli.tui.screens.listing import PaletteItem, ResourceView
from platform_cli.tui.widgets.detail import facts, group, rows_table, section
from platform_cli.tui.widgets.table import Column, Row

FINISHED = frozenset({"succeeded", "failed", "cancelled"})
# The report rows the detail shows (failed ones first); the whole file is a command away.
REPORT_ROWS = 200
BAR_WIDTH = 20


def progress_bar(done: int, total: int | None, status: str, width: int = BAR_WIDTH) -> Text:
    """``█████░░░░░  52%  1,040/2,000``: the share of rows done (the total of an import is
    an estimate until it finishes; an export's is unknown until then)."""
    if total:
        share = min(done / total, 1.0)
        filled = round(share * width)
        style = "green" if status == "succeeded" else "red" if status == "failed" else "cyan"
        return Text.assemble(
            ("█" * filled, style),
            ("░" * (width - filled), "dim"),
            f" {share:4.0%} ",
            (f"{done:,}/{total:,}", "dim"),
        )
    if status in FINISHED:
        return Text(f"{done:,} rows", style="dim")
    return Text.assemble(("░" * width, "dim"), f"  {done:,} rows so far")


def counts_text(counts: Any) -> Text:
    parts: list[tuple[str, str] | str] = []
    for name, style in (
        ("created", "green"),
        ("updated", "cyan"),
        ("unchanged", "dim"),
        ("failed", "bold red"),
    ):
        value = getattr(counts, name)
        if value:
            parts += [(f"{value:,} {name}", style), "  "]
    return Text.assemble(*parts[:-1]) if parts else Text(DASH, style="dim")


def what(job: Any) -> str:
    """``inventory import of counts.csv`` / ``orders export (jsonl)``."""
    if job["direction"] == "import":
        named = f" of {job['filename']}" if job.get("filename") else ""
        return f"{job['kind']} import{named}"
    return f"{job['kind']} export ({job['format']})"


def parse_report(data: bytes, fmt: str) -> list[dict[str, str]]:
    """The report's rows (row, key, outcome, error), failed ones first."""
    text = data.decode("utf-8", errors="replace")
    if fmt == "jsonl":
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    rows = [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows]
    return sorted(rows, key=lambda r: (r.get("outcome") != "failed", int(r.get("row") or 0)))


class JobsView(ResourceView):
    VIEW = "jobs"
    LABEL = "Bulk jobs"
    RESOURCE = "bulk.jobs"
    NOUN = "jobs"
    FIELDS = ("kind", "direction", "status", "format", "filename", "dry_run", "created_at")
    EMPTY_TEXT = "No bulk jobs (start one with `platform bulk import KIND FILE`)."
    FILTERS = FilterSpec(
        keys=(
            FilterKey(
                "status",
                "status",
                ("queued", "running", "succeeded", "failed", "cancelled"),
                help="the job's state",
            ),
        )
    )
    MUTATING = frozenset({"cancel"})
    BINDINGS: ClassVar[list[BindingType]] = [
        key("x", "cancel", "Cancel", "Stop a queued or running job (asks first)"),
        key("o", "report", "Report", "An import's per-row report, full screen"),
    ]

    def __init__(self, filter_text: str = "", *, select: str | None = None) -> None:
        super().__init__(filter_text, select=select)
        self.reports: dict[str, list[dict[str, str]]] = {}

    def columns(self) -> list[Column]:
        return [
            Column("created_at", "CREATED", 8, render=when(self.platform.now)),
            Column("what", "JOB", 0, min_width=22),
            Column("status", "STATUS", 9, render=status_text),
            Column(
                "progress",
                "PROGRESS",
                BAR_WIDTH + 20,
                render=lambda v: progress_bar(*v),
                sortable=False,
            ),
            Column("counts", "ROWS", 30, render=counts_text, sortable=False),
            Column("by", "BY", 18),
        ]

    def row_values(self, item: Any) -> dict[str, Any]:
        base = {"kind": item.kind, "direction": item.direction, "filename": item.filename}
        return {
            "what": what({**base, "format": item.format}) + (" (dry run)" if item.dry_run else ""),
            "progress": (item.progress.done, item.progress.total, item.status),
            "counts": item.counts,
            "by": item.requested_by.email,
            "result_available": item.result_available,
        }

    async def detail(self, row: Row) -> RenderableType:
        job = await self.sdk(self.client.bulk.jobs.get(row.key), what="Loading the job")
        self.table.update_row(self.to_row(job))
        v = self.to_row(job).values
        parts: list[RenderableType] = [
            Text.assemble((v["what"], "bold"), "  ", status_text(job.status)),
            progress_bar(job.progress.done, job.progress.total, job.status, width=40),
            facts(
                [
                    ("Rows", counts_text(job.counts)),
                    ("Mode", f"{job.mode}{' · dry run: nothing written' if job.dry_run else ''}"),
                    ("Filters", ", ".join(f"{k}={val}" for k, val in job.filters.items())),
                    ("Requested by", job.requested_by.email),
                    ("Created", timestamp(job.created_at)),
                    ("Started", timestamp(job.started_at) if job.started_at else None),
                    ("Finished", timestamp(job.finished_at) if job.finished_at else None),
                    ("Id", row.key),
                ]
            ),
        ]
        if job.error is not None:
            parts += [section("Why it failed"), Text(f"{job.error.detail} ({job.error.type})")]
        parts += self._result_section(job)
        parts.append(Text("\nx cancel · o report", style="dim"))
        return group(*parts)

    def _result_section(self, job: Any) -> list[RenderableType]:
        command = f"platform bulk jobs report {job.id} --out FILE"
        if not job.result_available:
            return []
        if job.direction == "export":
            return [section("Result"), Text(f"The exported file: {command}", style="dim")]
        report = self.reports.get(str(job.id))
        if report is None:
            return [section("Report"), Text(f"o shows it here · {command}", style="dim")]
        shown = report[:REPORT_ROWS]
        more = len(report) - len(shown)
        return [
            section("Report, failed rows first", len(report)),
            Text(command, style="dim"),
            rows_table(
                ["ROW", "KEY", "OUTCOME", "ERROR"],
                [
                    (r.get("row"), r.get("key"), status_text(r.get("outcome", "")), r.get("error"))
                    for r in shown
                ],
                empty="no rows",
            ),
            Text(f"… and {more:,} more rows in the file" if more else "", style="dim"),
        ]

    # -- actions ---------------------------------------------------------------------------------

    def action_report(self) -> None:
        row = self.current_row()
        if row is None:
            return
        v = row.values
        if v["direction"] != "import":
            self.notify(
                f"An export's result is its file: platform bulk jobs report {row.key} --out FILE",
                timeout=6,
            )
            return
        if not v["result_available"]:
            self.notify("The report is ready once the job has finished.", severity="warning")
            return
        self._open_report(row)

    def _open_report(self, row: Row) -> None:
        async def load() -> None:
            if row.key not in self.reports:
                buffer = io.BytesIO()
                await self.sdk(
                    self.client.bulk.jobs.result(row.key, buffer), what="Loading the report"
                )
                self.reports[row.key] = parse_report(buffer.getvalue(), row.values["format"])
            self.load_detail_now()
            if self.maximized is not self.detail_pane:
                self.action_zoom()

        self.run_worker(load(), group="report", exclusive=True, exit_on_error=False)

    def action_cancel(self) -> None:
        row = self.table.current
        if row is not None and row.values["status"] in FINISHED:
            self.notify(f"This job has {row.values['status']} already.", severity="warning")
            return
        self.row_action(self._cancel_plan)

    async def _cancel_plan(self, row: Row) -> ActionPlan:
        v = row.values
        done, total, _ = v["progress"]
        of = f" of {total:,}" if total else ""
        return ActionPlan(
            title=f"Cancel bulk job {short_id(row.key)}",
            summary=lambda values: (
                f"The {v['what']} ({v['status']}, {done:,}{of} rows done) stops before its "
                "next chunk. Rows already committed stay applied; the rest are not."
            ),
            command=lambda values: f"platform bulk jobs cancel {row.key}",
            run=lambda values: self.client.bulk.jobs.cancel(row.key),
            done=lambda job: f"Bulk job {short_id(row.key)}: {job.status}.",
            confirm_label="Cancel the job",
        )

    def row_palette(self, row: Row) -> tuple[list[PaletteItem], list[PaletteItem]]:
        name = short_id(row.key)
        jumps: list[PaletteItem] = [(f"Report of bulk job {name}", "o", self.action_report)]
        if row.values["status"] in FINISHED:
            return jumps, []
        return jumps, [(f"Cancel bulk job {name}", "x — asks first", self.action_cancel)]


__all__ = ["JobsView", "parse_report", "progress_bar"]
