"""The bulk jobs view: live progress, an import's report in the detail pane, and
cancelling a running job; driven with Textual's Pilot against real servers."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from platform_cli.tui.app import Options
from platform_cli.tui.dialogs import ConfirmDialog
from platform_cli.tui.format import short_id
from platform_cli.tui.screens import resolve
from platform_cli.tui.screens.jobs import JobsView, parse_report, progress_bar
from platform_sdk import AsyncClient
from tests.server.commerce.conftest import Shop, new_sku
from tests.servers import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, isolated_server
from tests.tui.conftest import FAST_RETRY, RecordingApp, wait_until

pytestmark = pytest.mark.anyio

SIZE = (160, 45)


def plain(renderable: Any) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def until_job(client: AsyncClient, job_id: Any, done: Callable[[Any], bool]) -> Any:
    """The job once `done(job)` (polled through the SDK; the server runs it meanwhile)."""
    import anyio

    with anyio.fail_after(60):
        while True:
            job = await client.bulk.jobs.get(job_id)
            if done(job):
                return job
            await anyio.sleep(0.1)


def test_the_view_answers_to_its_names_and_draws_progress() -> None:
    for word in ("jobs", "bulk", "job"):
        info = resolve(word)
        assert info is not None and info.view is JobsView
    assert progress_bar(5, 10, "running", width=10).plain == "█████░░░░░  50% 5/10"
    assert progress_bar(0, None, "queued", width=4).plain == "░░░░  0 rows so far"
    report = b"row,key,outcome,error\n2,A,updated,\n3,B,failed,bad\n"
    assert [r["key"] for r in parse_report(report, "csv")] == ["B", "A"]


async def test_an_imports_report_opens_in_the_detail_pane(
    make_app: Callable[..., RecordingApp], admin_client: AsyncClient, shop: Shop
) -> None:
    product = shop.product(stock=3)
    missing = new_sku("gone")
    text = f"sku,on_hand\n{product['sku']},9\n{missing},1\n{product['sku']},x\n"
    job = await admin_client.bulk.imports.create(
        "inventory", io.BytesIO(text.encode()), filename="counts.csv"
    )
    await until_job(admin_client, job.id, lambda j: j.finished)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_view("jobs", select=str(job.id))
        await wait_until(pilot, lambda: isinstance(app.screen, JobsView) and app.screen.loaded)
        view = app.screen
        assert isinstance(view, JobsView)
        row = view.table.get(str(job.id))
        assert row is not None and row.values["status"] == "succeeded"
        assert row.values["what"] == "inventory import of counts.csv"
        view.table.select_key(str(job.id))
        titles = [title for title, _, _ in view.palette_actions()]
        assert titles == [f"Report of bulk job {short_id(job.id)}"]  # finished: no cancel
        await pilot.press("o")
        await wait_until(pilot, lambda: str(job.id) in view.reports)
        await wait_until(pilot, lambda: view.maximized is view.detail_pane)
        shown = plain(await view.detail(row))
        assert f"platform bulk jobs report {job.id} --out FILE" in shown
        assert "1 updated" in shown and "2 failed" in shown
        report = shown[shown.index("Report, failed rows first (3)") :]
        assert report.index(missing) < report.index("on_hand") < report.index("updated")
        assert "no product has this SKU" in report
        await pilot.press("x")  # a finished job is not cancelled
        assert app.said("succeeded already", "warning")


@pytest.fixture
def held_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Two rows a chunk, held after the first: a job stays running at 2 rows done."""
    with isolated_server(tmp_path, bulk_chunk_rows=2, bulk_pause_after_chunk=1) as live:
        yield live


async def test_cancel_a_running_job_with_its_command(held_server: LiveServer) -> None:
    async with AsyncClient(held_server.url, retry=FAST_RETRY) as client:
        await client.auth.login(email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
        people = "".join(f"{new_sku('held')}@example.test,Held {n},staff\n" for n in range(6))
        data = ("email,name,role\n" + people).encode()
        job = await client.bulk.imports.create("users", io.BytesIO(data), filename="u.csv")
        await until_job(client, job.id, lambda j: j.progress.done == 2)
        app = RecordingApp(client, Options(refresh=30.0))
        async with app.run_test(size=SIZE) as pilot:
            app.open_view("jobs")
            await wait_until(pilot, lambda: isinstance(app.screen, JobsView) and app.screen.loaded)
            view = app.screen
            assert isinstance(view, JobsView)
            row = view.table.get(str(job.id))
            assert row is not None and row.values["status"] == "running"
            assert row.values["progress"][:2] == (2, 6)
            view.table.select_key(str(job.id))
            await pilot.press("x")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            dialog = app.screen
            assert isinstance(dialog, ConfirmDialog)
            assert dialog.plan.command({}) == f"platform bulk jobs cancel {job.id}"
            assert "2 of 6 rows done" in dialog.plan.summary({})
            await pilot.press("y")
            await wait_until(pilot, lambda: app.said(f"{short_id(job.id)}: cancelled"))
            await view.poll()  # the live refresh: the row follows the server

            def shown_status() -> Any:
                now = view.table.get(str(job.id))
                return now.values["status"] if now is not None else None

            await wait_until(pilot, lambda: shown_status() == "cancelled")
        assert (await client.bulk.jobs.get(job.id)).status == "cancelled"
