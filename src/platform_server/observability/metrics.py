"""The metrics every process keeps, and how a scrape reads them out.

Multiprocess mode (`prometheus_client.multiprocess`) is on when `PROMETHEUS_MULTIPROC_DIR`
is set before this module is first imported: each process then writes its samples to
files in that directory, and a scrape of any process sums them all. `platform server run
--workers N` sets it from `PLATFORM_METRICS_DIR` (or `<data dir>/metrics`) before the
workers start. Without it each process counts in memory and answers for itself.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool, QueuePool

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Read once, when the metrics below are made: they write to files only if it was set then.
MULTIPROC_DIR: str | None = os.environ.get(MULTIPROC_ENV) or None
CONTENT_TYPE = CONTENT_TYPE_LATEST
UNMATCHED = "unmatched"  # the route label of a request no route matched

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_LABELS = ("method", "route", "status")

REQUESTS = Counter("platform_http_requests", "HTTP requests answered, by route template.", _LABELS)
LATENCY = Histogram(
    "platform_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    _LABELS,
    buckets=_BUCKETS,
)
IN_FLIGHT = Gauge(
    "platform_http_requests_in_flight",
    "HTTP requests being answered now.",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "platform_db_pool_size",
    "Connections a database pool keeps open (summed over live processes).",
    ["pool"],
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "platform_db_pool_checked_out",
    "Connections of a database pool in use now (summed over live processes).",
    ["pool"],
    multiprocess_mode="livesum",
)
POOL_OVERFLOW = Gauge(
    "platform_db_pool_overflow",
    "Connections opened beyond a pool's size; negative while the pool is not yet full.",
    ["pool"],
    multiprocess_mode="livesum",
)
ORDERS_CREATED = Counter("platform_orders_created", "Orders placed, by currency.", ["currency"])
REVENUE = Counter(
    "platform_revenue",
    "Amounts captured by successful payments, by currency (refunds not subtracted).",
    ["currency"],
)
EVENTS_PUBLISHED = Counter(
    "platform_events_published", "Outbox events given their stream position."
)
EVENTS_DELIVERED = Counter(
    "platform_events_delivered", "Events a worker handed to the subscribers (from the broker)."
)
NOTIFICATION_SENDS = Counter(
    "platform_notification_sends",
    "Notification send attempts by channel and outcome (sent, retry, failed).",
    ["channel", "outcome"],
)
WEBHOOK_SENDS = Counter(
    "platform_webhook_sends",
    "Webhook delivery attempts by outcome (succeeded, retry, failed).",
    ["outcome"],
)


def send_outcome(status: str, done: str) -> str:
    """A delivery row's status after an attempt as a metric label."""
    if status == done:
        return done
    return "failed" if status == "failed" else "retry"


# Counts that must follow a transaction's commit (an order rolled back was never placed).
_PENDING_KEY = "platform_metrics_after_commit"


def count_after_commit(session: AsyncSession, counter: Any, amount: float = 1.0) -> None:
    """Increase `counter` (a labelled child) by `amount` once the session commits."""
    session.sync_session.info.setdefault(_PENDING_KEY, []).append((counter, amount))


def money(amount: Decimal) -> float:
    """A decimal amount as a metric value: floats exist only here, never in the books."""
    return float(amount)


@event.listens_for(Session, "after_commit")
def _apply_pending(session: Session) -> None:
    for counter, amount in session.info.pop(_PENDING_KEY, ()):
        counter.inc(amount)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def sample_pools(pools: Iterable[tuple[str, Pool]]) -> None:
    """This process's pools as gauges (QueuePool's public counters; others have none)."""
    for name, pool in pools:
        if isinstance(pool, QueuePool):
            POOL_SIZE.labels(name).set(pool.size())
            POOL_CHECKED_OUT.labels(name).set(pool.checkedout())
            POOL_OVERFLOW.labels(name).set(pool.overflow())


def start_pool_sampler(
    pools: Callable[[], Iterable[tuple[str, Pool]]], seconds: float
) -> asyncio.Task[None] | None:
    """In multiprocess mode a scrape is answered by one process: the others keep their
    pool gauges fresh on their own, every `seconds`. Single-process: the scrape samples."""
    if MULTIPROC_DIR is None:
        return None

    async def sample_forever() -> None:
        while True:
            sample_pools(pools())
            await asyncio.sleep(seconds)

    return asyncio.create_task(sample_forever(), name="metrics-pool-sampler")


@dataclass(frozen=True)
class Backlog:
    """What waits in the database, read at scrape time (the same from every process)."""

    outbox: int = 0
    oldest_unpublished: datetime | None = None
    notifications: dict[str, int] = field(default_factory=dict)
    webhook_deliveries: dict[str, int] = field(default_factory=dict)


class BacklogCollector:
    """Gauges of a `Backlog` snapshot: a custom collector, so the values are the
    database's, not a sum over processes."""

    def __init__(self, backlog: Backlog | None = None) -> None:
        self.backlog = backlog
        self.read_at: datetime | None = None

    def update(self, backlog: Backlog, now: datetime) -> None:
        self.backlog, self.read_at = backlog, now

    def collect(self) -> Iterator[Metric]:
        backlog = self.backlog
        if backlog is None:
            return
        yield GaugeMetricFamily(
            "platform_outbox_backlog", "Events not yet published.", value=backlog.outbox
        )
        lag = 0.0
        if backlog.oldest_unpublished is not None and self.read_at is not None:
            lag = max(0.0, (self.read_at - backlog.oldest_unpublished).total_seconds())
        yield GaugeMetricFamily(
            "platform_outbox_lag_seconds",
            "Age of the oldest unpublished event (0 when the outbox is empty).",
            value=lag,
        )
        for name, doc, counts in (
            ("platform_notifications", "Notifications by state.", backlog.notifications),
            (
                "platform_webhook_deliveries",
                "Webhook deliveries by state.",
                backlog.webhook_deliveries,
            ),
        ):
            family = GaugeMetricFamily(
                name,
                f"{doc} queued: waiting for a first attempt; retrying: waiting after a "
                "failed attempt; failed: dead-lettered, every retry spent.",
                labels=["state"],
            )
            for state, count in sorted(counts.items()):
                family.add_metric([state], count)
            yield family


class _Merged:
    def __init__(self, *collectors: Collector) -> None:
        self.collectors = collectors

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def process_metrics() -> Collector:
    """Every process's metrics: summed from the shared directory in multiprocess mode,
    else this process's default registry (where other modules' metrics live too)."""
    if MULTIPROC_DIR is None:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=MULTIPROC_DIR)  # type: ignore[no-untyped-call]
    return registry


def exposition(*extra: Collector) -> Collector:
    """The process's metrics followed by `extra` ones, as one collector."""
    return _Merged(process_metrics(), *extra)


def render(*extra: Collector) -> bytes:
    """The text exposition of the process's metrics and `extra` collectors."""
    return generate_latest(exposition(*extra))


def process_ended() -> None:
    """A process's last act in multiprocess mode: its live gauges leave the sums."""
    if MULTIPROC_DIR is not None:
        multiprocess.mark_process_dead(os.getpid(), path=MULTIPROC_DIR)  # type: ignore[no-untyped-call]
