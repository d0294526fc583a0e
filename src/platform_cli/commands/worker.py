"""`platform worker …`: event workers for the RabbitMQ transport (runs server code)."""

from __future__ import annotations

from typing import Annotated

import typer

from platform_cli.commands.server import ConfigOption, server_settings
from platform_cli.params import opt

app = typer.Typer(
    help="Deliver events from RabbitMQ: notifications and webhooks.", no_args_is_help=True
)


# A callback keeps `worker` a group: a Typer app with one command and no callback
# becomes that command, and `platform worker run` would refuse its `run`.
@app.callback()
def worker() -> None:
    """Deliver events from RabbitMQ: notifications and webhooks."""


@app.command()
def run(
    config: ConfigOption = None,
    metrics_port: Annotated[
        int | None,
        opt(
            min=1, max=65535, help="Serve this worker's Prometheus metrics on this port (/metrics)."
        ),
    ] = None,
    metrics_host: Annotated[
        str, typer.Option(help="Interface the metrics port binds to.")
    ] = "127.0.0.1",
) -> None:
    """Consume events and send the emails, SMS and webhook calls they cause.

    Needs PLATFORM_BROKER_URL (e.g. amqp://guest:guest@127.0.0.1:5672/) and the same
    database settings as the API. Run as many workers as the load needs; stop with Ctrl-C."""
    from platform_server.core.logging import configure_logging
    from platform_server.worker import MetricsAddress, main

    settings = server_settings(config)
    if not settings.broker_url:
        typer.echo(
            "Error: set PLATFORM_BROKER_URL (amqp://...) first; without a broker the API "
            "server delivers events itself and no worker is needed.",
            err=True,
        )
        raise typer.Exit(2)
    configure_logging(settings.log_level, settings.log_format)
    address = MetricsAddress(metrics_port, metrics_host) if metrics_port else None
    typer.echo(f"Worker started (queue {settings.broker_prefix}.dispatch). Stop with Ctrl-C.")
    if address is not None:
        typer.echo(f"Metrics on http://{address.host}:{address.port}/metrics")
    main(settings, address)
