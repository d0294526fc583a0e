"""`platform server …`: the one command group that runs the server in-process.

The server is imported lazily, so the rest of the CLI works with only the `cli` extra.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from platform_cli.params import opt

if TYPE_CHECKING:
    from platform_server.core.settings import Settings

app = typer.Typer(help="Run and administer the server on this machine.", no_args_is_help=True)


def server_settings(config: Path | None) -> Settings:
    try:
        import uvicorn  # noqa: F401

        import platform_server.app  # noqa: F401  (pulls in every server dependency)
        from platform_server.core.settings import Settings
    except ImportError as exc:
        typer.echo(
            f"The server is not installed ({exc.name} is missing). "
            'Install it with: pip install "platform-commerce[server]"',
            err=True,
        )
        raise typer.Exit(1) from exc
    if config is not None:
        if not config.is_file():
            typer.echo(f"Error: config file {config} does not exist.", err=True)
            raise typer.Exit(2)
        # Workers re-read settings from the environment; the file goes there too.
        os.environ["PLATFORM_ENV_FILE"] = str(config.resolve())
    return Settings.load()


ConfigOption = Annotated[Path | None, opt("--config", help="An env file of PLATFORM_* settings.")]


@app.command()
def migrate(config: ConfigOption = None) -> None:
    """Apply database migrations."""
    from platform_server.core.migrate import upgrade

    settings = server_settings(config)
    upgrade(settings)
    typer.echo(f"Database is up to date ({_redacted(settings.resolved_database_url)}).")


@app.command()
def run(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="API processes (uvicorn's process manager).")
    ] = 1,
    demo: Annotated[bool, typer.Option("--demo", help="Seed demo data and a demo admin.")] = False,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Apply migrations before starting.")
    ] = True,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
    config: ConfigOption = None,
) -> None:
    """Serve the API with uvicorn (default http://127.0.0.1:8000)."""
    import uvicorn

    from platform_server.core.logging import logging_config
    from platform_server.core.migrate import upgrade

    settings = server_settings(config)
    if workers > 1:
        _check_several_processes(settings, reload)
    if migrate_first:
        upgrade(settings)
    if demo:
        _seed_demo(settings)
    if workers > 1 and settings.metrics_enabled:
        _share_metrics(settings)
    _open_files_to_hard_limit()
    typer.echo(f"Platform API on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    import logging

    logging.captureWarnings(True)  # library warnings go to the log, as JSON too
    uvicorn.run(
        "platform_server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_config=logging_config(settings.log_level, settings.log_format),
        # Our middleware writes the access log (with the request id); uvicorn's own,
        # silenced by the log config, would still be formatted on every request.
        access_log=False,
        # X-Forwarded-* are read by the gateway, from PLATFORM_TRUSTED_PROXIES only.
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=settings.keep_alive_seconds,
        backlog=settings.listen_backlog,
    )


def _open_files_to_hard_limit() -> None:
    """Every connection is an open file: the soft limit (often 1,024) would refuse
    connections long before memory or CPU run out. Raised to the hard limit, which
    only the administrator sets (workers inherit it)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        # macOS refuses RLIM_INFINITY for open files: cap it at a figure it takes.
        wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65_536)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _check_several_processes(settings: Settings, reload: bool) -> None:
    """What `--workers N` needs. Each process is started by uvicorn from the import
    string with the settings in the environment (set here before it starts them)."""
    if reload:
        typer.echo("Error: --reload runs one process; leave out --workers.", err=True)
        raise typer.Exit(2)
    from sqlalchemy.engine import make_url

    url = make_url(settings.resolved_database_url)
    if settings.is_sqlite and url.database in (None, "", ":memory:"):
        typer.echo(
            "Error: an in-memory SQLite database belongs to one process; --workers needs a "
            "database file (the default) or PostgreSQL.",
            err=True,
        )
        raise typer.Exit(2)
    if not settings.redis_url and settings.catalog_cache_seconds > 0:
        # In process memory, one process would keep serving what another just changed.
        os.environ["PLATFORM_CATALOG_CACHE_SECONDS"] = "0"
        typer.echo(
            "Note: the catalog cache is off: without PLATFORM_REDIS_URL each process "
            "would cache on its own. Set PLATFORM_REDIS_URL to share it.",
            err=True,
        )


def _share_metrics(settings: Settings) -> None:
    """N worker processes write their metrics to one directory, emptied first (a
    previous run's files would add to this one's), so any of them answers for all."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return  # set by the start-up script, as prometheus_client's docs advise
    directory = (settings.metrics_dir or settings.data_dir / "metrics").resolve()
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):  # prometheus_client's files, nothing else
        stale.unlink()
    # Before uvicorn starts the workers: each imports prometheus_client afresh and sees it.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def _seed_demo(settings: Settings) -> None:
    import asyncio

    from platform_server.core.database import Database
    from platform_server.demo import seed

    async def go() -> None:
        db = Database(settings)
        try:
            creds = await seed(db)
        finally:
            await db.dispose()
        typer.echo("Demo data ready. Demo admin (this password is new on every --demo start):")
        typer.echo(f"  email:    {creds.email}")
        typer.echo(f"  password: {creds.password}")

    asyncio.run(go())


@app.command()
def seed(
    products: Annotated[int, typer.Option(min=0, help="Products to add (with stock).")] = 0,
    orders: Annotated[
        int, typer.Option(min=0, help="Orders to add (finished ones, over the last year).")
    ] = 0,
    customers: Annotated[
        int | None,
        typer.Option(min=1, help="Customers placing them (default: one per 100 orders)."),
    ] = None,
    random_seed: Annotated[
        int | None, typer.Option("--random-seed", help="Same seed, same names and prices.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Add a synthetic catalog and order history of a chosen size (benchmarks)."""
    import asyncio
    import time

    from platform_server.core.database import Database
    from platform_server.core.migrate import upgrade
    from platform_server.seed import seed as seed_data

    if orders and not products:
        typer.echo("Error: orders need products: give --products too.", err=True)
        raise typer.Exit(2)
    settings = server_settings(config)
    upgrade(settings)
    started = time.perf_counter()

    def progress(kind: str, done: int, total: int) -> None:
        if done == total or done % 100_000 == 0:
            typer.echo(f"  {kind}: {done:,} of {total:,}", err=True)

    async def go() -> None:
        db = Database(settings)
        try:
            result = await seed_data(
                db,
                products=products,
                orders=orders,
                customers=customers,
                random_seed=random_seed,
                progress=progress,
            )
        finally:
            await db.dispose()
        typer.echo(
            f"Added {result.products:,} products, {result.orders:,} orders and "
            f"{len(result.customers):,} customers (tag {result.tag}) "
            f"in {time.perf_counter() - started:.1f} s."
        )

    asyncio.run(go())


@app.command("sweep-files")
def sweep_files(
    config: ConfigOption = None,
    grace_hours: Annotated[
        float, typer.Option(min=0, help="Keep objects younger than this (uploads in flight)")
    ] = 1.0,
) -> None:
    """Delete stored files no record names (left by a crash mid-upload), and what
    unfinished writes left. Also runs every six hours inside each server process."""
    import asyncio
    from datetime import timedelta

    from platform_server.core.database import Database
    from platform_server.maintenance import sweep_orphaned_files
    from platform_server.storage.factory import open_storage

    settings = server_settings(config)

    async def go() -> None:
        db, storage = Database(settings), open_storage(settings)
        try:
            swept = await sweep_orphaned_files(db, storage, grace=timedelta(hours=grace_hours))
        finally:
            await storage.close()
            await db.dispose()
        typer.echo(
            f"Removed {swept.removed} orphaned files and {swept.abandoned} unfinished "
            f"writes; kept {swept.kept} ({storage.name} storage)."
        )

    asyncio.run(go())


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(help="The admin's email.")],
    password: Annotated[
        str | None, typer.Option(help="Prompted for when omitted (keeps it out of shell history).")
    ] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "Admin",
    config: ConfigOption = None,
) -> None:
    """Create an admin, or make an existing user admin with this password."""
    import asyncio

    from platform_server.core.database import Database
    from platform_server.core.errors import ProblemError
    from platform_server.core.migrate import upgrade
    from platform_server.demo import ensure_admin
    from platform_server.users.api import check_password

    settings = server_settings(config)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:  # the policy every other way of setting a password applies (length, strength)
        check_password(settings, password, email=email.lower(), name=name)
    except ProblemError as refused:
        typer.echo(f"Error: {refused.detail}", err=True)
        raise typer.Exit(2) from None
    upgrade(settings)

    async def go() -> bool:
        db = Database(settings)
        try:
            return await ensure_admin(db, email, password, name=name)
        finally:
            await db.dispose()

    created = asyncio.run(go())
    typer.echo(f"{'Created' if created else 'Updated'} admin {email.lower()}.")


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
