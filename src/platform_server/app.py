"""The application factory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from platform_server import __version__, maintenance, tracing
from platform_server.api_keys.router import router as api_keys_router
from platform_server.audit.router import router as audit_router
from platform_server.auth.mfa.router import router as mfa_router
from platform_server.auth.mfa.router import users_router as mfa_users_router
from platform_server.auth.resolver import BearerResolver
from platform_server.auth.router import AUTHENTICATOR
from platform_server.auth.router import router as auth_router
from platform_server.auth.service import Authenticator
from platform_server.auth.throttle import failure_counter
from platform_server.backlog import read_backlog
from platform_server.bulk.api import RUNNER, JobRunner
from platform_server.bulk.router import UPLOAD_PATHS as BULK_UPLOADS
from platform_server.bulk.router import router as bulk_router
from platform_server.cache.shared import SharedCache
from platform_server.cache.stale import CATALOG
from platform_server.core.container import PlatformApp, Services
from platform_server.core.database import Database
from platform_server.core.errors import install_error_handlers
from platform_server.core.logging import configure_structlog
from platform_server.core.middleware import RequestMiddleware
from platform_server.core.openapi import install_openapi
from platform_server.core.security import TokenSigner
from platform_server.core.settings import Settings
from platform_server.dispatch import build_dispatcher
from platform_server.events.dispatcher import DISPATCHER
from platform_server.events.router import router as events_router
from platform_server.gateway.install import install_gateway
from platform_server.health.router import REDIS_PROBE
from platform_server.health.router import router as health_router
from platform_server.inventory.router import router as inventory_router
from platform_server.invoices import api as invoices
from platform_server.invoices.router import router as invoices_router
from platform_server.notifications.router import router as notifications_router
from platform_server.observability import metrics
from platform_server.observability.middleware import MetricsMiddleware
from platform_server.observability.router import BACKLOG
from platform_server.observability.router import router as metrics_router
from platform_server.orders.router import REFUND_ALL
from platform_server.orders.router import router as orders_router
from platform_server.payments.gateway import Gateway, HttpGateway, SandboxGateway
from platform_server.payments.router import GATEWAY
from platform_server.payments.router import router as payments_router
from platform_server.payments.service import make_refund_all
from platform_server.products.fast_reads import install as install_fast_reads
from platform_server.products.images_router import UPLOAD_PATHS as IMAGE_UPLOADS
from platform_server.products.router import CATALOG_CACHE
from platform_server.products.router import router as products_router
from platform_server.recommendations.router import router as recommendations_router
from platform_server.stats.router import router as stats_router
from platform_server.storage.factory import STORAGE, open_storage
from platform_server.storage.lifecycle import commit_hook
from platform_server.users.avatar_router import UPLOAD_PATHS as AVATAR_UPLOADS
from platform_server.users.router import router as users_router
from platform_server.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"


def _gateway(settings: Settings) -> Gateway:
    if settings.payment_gateway == "http":
        if not (settings.payment_gateway_url and settings.payment_gateway_key):
            raise ValueError(
                "PLATFORM_PAYMENT_GATEWAY=http needs PLATFORM_PAYMENT_GATEWAY_URL and _KEY"
            )
        return HttpGateway(
            settings.payment_gateway_url,
            settings.payment_gateway_key,
            timeout=settings.payment_gateway_timeout_seconds,
        )
    return SandboxGateway()


def _nothing() -> None:
    """Workers look for new jobs on their own (`PLATFORM_BULK_POLL_SECONDS`)."""


def create_app(settings: Settings | None = None) -> PlatformApp:
    settings = settings or Settings.load()
    configure_structlog(settings.log_level, settings.log_format)
    tracing.setup(settings)
    db = Database(settings)
    tracing.instrument_engines(db.engines)
    signer = TokenSigner(settings)
    failures = failure_counter(settings)
    gateway = _gateway(settings)
    catalog_cache = SharedCache.from_settings(settings, CATALOG)
    db.on_commit(catalog_cache.after_commit)
    storage = open_storage(settings)
    # Objects of rows a committed transaction deleted (storage/lifecycle.py).
    db.on_commit(commit_hook(storage))
    # Invoices and credit notes a committed transaction issued: stored once, now.
    db.on_commit(invoices.after_commit(db, settings, storage))
    dispatcher = build_dispatcher(db, settings, "api")
    # Bulk jobs run in this process without a broker, in `platform worker run` with one.
    runner = None if settings.broker_url else JobRunner(db, settings, storage)
    callers = BearerResolver(settings, db, signer)
    db.on_commit(callers.cache.after_commit)
    services = Services(
        settings=settings,
        db=db,
        signer=signer,
        callers=callers,
        # After a write commits: the outbox is looked at now.
        after_write=(dispatcher.wake,),
        send_queued=dispatcher.queued,
        bound=(
            AUTHENTICATOR.bind(Authenticator(settings, db, signer, failures)),
            GATEWAY.bind(gateway),
            REFUND_ALL.bind(make_refund_all(gateway)),
            CATALOG_CACHE.bind(catalog_cache),
            REDIS_PROBE.bind(catalog_cache.link),
            DISPATCHER.bind(dispatcher),
            BACKLOG.bind(read_backlog),
            STORAGE.bind(storage),
            RUNNER.bind(runner.wake if runner is not None else _nothing),
        ),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # What changed while no process served (a restore, a demo seed) is not served.
        await catalog_cache.invalidate()
        housekeeping = asyncio.create_task(maintenance.run_forever(db, settings))
        dispatcher.start()
        if runner is not None:
            runner.start()
        sampler = metrics.start_pool_sampler(db.pools, settings.metrics_refresh_seconds)
        # What start-up made (modules, routes, templates) lives as long as the process:
        # frozen, it is no longer walked by every full collection while serving.
        gc.freeze()
        yield
        if runner is not None:
            await runner.stop()
        await dispatcher.stop()
        for task in (housekeeping, sampler):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        metrics.process_ended()
        await db.dispose()
        await catalog_cache.close()
        await storage.close()
        await failures.close()
        if isinstance(gateway, HttpGateway):
            await gateway.close()
        tracing.flush()

    app = PlatformApp(
        services,
        title="Platform API",
        version=__version__,
        description="Users, catalog, orders, payments and events. Errors are RFC 9457 "
        "problem+json; lists use cursor pagination.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    # Rate limits, security headers and CORS: inside the request-id middleware.
    install_gateway(app, settings)
    app.add_middleware(
        RequestMiddleware,
        max_body_bytes=settings.max_body_bytes,
        uploads=(*IMAGE_UPLOADS, *AVATAR_UPLOADS),
        max_upload_bytes=settings.upload_max_bytes,
        large_uploads=BULK_UPLOADS,
        max_large_upload_bytes=settings.bulk_upload_max_bytes,
    )
    if settings.metrics_enabled:
        app.add_middleware(MetricsMiddleware)

    api = APIRouter(prefix=API_PREFIX)
    # Requests are matched against routes in this order, and no two domains share a
    # path: the busiest (orders, product reads) come first and are found soonest.
    for router in (
        orders_router,
        products_router,
        auth_router,
        mfa_router,
        users_router,
        mfa_users_router,
        api_keys_router,
        inventory_router,
        recommendations_router,
        payments_router,
        invoices_router,
        events_router,
        notifications_router,
        webhooks_router,
        audit_router,
        stats_router,
        bulk_router,
    ):
        api.include_router(router)
    app.include_router(api)
    # Cached catalog reads are answered before routing and dependency solving.
    install_fast_reads(app, (f"{API_PREFIX}/products", f"{API_PREFIX}/categories"))
    app.include_router(health_router)
    if settings.metrics_enabled:
        app.include_router(metrics_router)
    # Every error answer of every route, in the document (core/openapi.py).
    install_openapi(app, limited_prefix=API_PREFIX)
    tracing.instrument_app(app)
    return app
