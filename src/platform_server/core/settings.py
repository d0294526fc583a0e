"""Settings from `PLATFORM_*` environment variables (and an optional env file)."""

from __future__ import annotations

import ipaddress
import os
import secrets
import time
from functools import cached_property
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLATFORM_", extra="ignore")

    data_dir: Path = Path(".platform")
    database_url: str | None = None
    database_echo: bool = False
    sqlite_pool_size: int = Field(2, ge=1, le=32)  # readers; writes use one connection
    # PostgreSQL connections per process: kept open, plus overflow opened under bursts.
    # No overflow by default: under steady load, overflow connections were opened and
    # closed again every few seconds (a PostgreSQL backend started each time), while a
    # request now holds its connection only for its queries.
    database_pool_size: int = Field(20, ge=1, le=500)
    database_max_overflow: int = Field(0, ge=0, le=500)
    # A round trip on every checkout that finds dead connections before use. Off by
    # default: a restarted database costs the requests then in flight a 503 instead.
    database_pool_pre_ping: bool = False
    database_pool_recycle_seconds: int = Field(1800, ge=-1)
    # How long a request waits for a pooled connection before it is answered 503 with
    # Retry-After (SQLAlchemy's own default, 30 s, outlives any client's patience when
    # a dead neighbour holds locks or the pool is exhausted).
    database_pool_timeout_seconds: float = Field(3.0, gt=0, le=120)
    # PostgreSQL: a statement running, or waiting for a row lock, longer than this is
    # cancelled and the request answered 503 with Retry-After (0: no limit). A lock
    # held by a process that died mid-transaction is released once PostgreSQL notices
    # the dead connection; meanwhile the survivor's requests fail fast instead of hanging.
    database_statement_timeout_seconds: float = Field(30.0, ge=0, le=3600)
    database_lock_timeout_seconds: float = Field(3.0, ge=0, le=3600)
    # A session left "idle in transaction" this long (its process stuck or gone) is ended
    # by PostgreSQL, so its locks do not outlive it (0: never).
    database_idle_in_transaction_timeout_seconds: float = Field(60.0, ge=0, le=3600)
    # A verified caller (token or API key -> user, role, permissions) is reused for this
    # long in the process that verified it, sparing two reads per request. Revoking a
    # session or key, suspending, deleting or changing a user clears it in that process
    # at once; other processes drop it within this bound (0: read on every request).
    caller_cache_seconds: float = Field(2.0, ge=0, le=60)
    caller_cache_max_entries: int = Field(10_000, ge=1, le=1_000_000)
    # A relevance search ranks only the newest this many matches (products/search.py):
    # its cost stays flat as the catalog grows; an older strong match is not found.
    search_candidates: int = Field(1000, ge=1, le=100_000)
    redis_url: str | None = None
    # Namespaces every Redis key, so test runs and deployments can share a server.
    redis_prefix: str = "platform:"

    jwt_secret: str | None = None
    jwt_issuer: str = "platform"
    jwt_audience: str = "platform-api"
    # Fractions are allowed (0.1 is six seconds): tests let tokens expire quickly.
    access_token_minutes: float = Field(15, gt=0)
    refresh_token_days: int = Field(30, ge=1)

    # Passwords: at least this long (at most 1,024 characters), and at least this
    # zxcvbn score (0-4; 3 = "safely unguessable" for an online attack).
    # At least 10: the OpenAPI document states that minimum (users.passwords.MIN_LENGTH).
    password_min_length: int = Field(10, ge=10, le=1024)
    password_min_score: int = Field(3, ge=0, le=4)
    # Throttling of failed sign-ins (OWASP Authentication Cheat Sheet; docs/server.md).
    # Per (account, client address) pair: this many failures are free, then the pair
    # waits base, 2 x base, 4 x base ... seconds (at most the max) before each next try;
    # a success from the pair clears it. Another address, the owner's, is not slowed.
    login_pair_free_failures: int = Field(5, ge=1)
    login_pair_base_delay_seconds: int = Field(1, ge=1)
    login_pair_max_delay_seconds: int = Field(900, ge=1)
    # Per client address across accounts (password spraying); room for an office
    # behind one NAT address, whose people mistype now and then.
    login_max_failures_per_ip: int = Field(200, ge=1)
    # The last resort per account, whatever the addresses (a botnet): every sign-in,
    # the owner's included, waits; the owner gets one email when it is reached.
    login_max_failures_per_account: int = Field(100, ge=1)
    # The window the three counts above are kept over.
    login_failure_window_seconds: int = Field(3600, ge=1)
    # Accounts: one-time tokens sent by email (kept only as keyed hashes).
    email_verification_hours: float = Field(48, gt=0)
    password_reset_minutes: float = Field(30, gt=0)
    # Verification and reset emails per account and purpose per hour; past it, requests
    # get the same 202 answer and nothing is sent (no inbox flooding, nothing revealed).
    account_emails_per_hour: int = Field(3, ge=1, le=100)
    # "Someone tried to register with your address" emails per account per 24 hours:
    # registering a victim's address again and again must not flood their inbox (0: never).
    registration_attempt_emails_per_day: int = Field(1, ge=0, le=24)
    # What an account whose email is not verified may not do, comma-separated:
    # "orders" (placing orders); empty: nothing is gated. Signing in and browsing always work.
    require_verified_email_for: str = Field("orders", pattern=r"^(orders)?$")
    # TOTP second factor: how long the challenge of a password sign-in lasts, how many
    # recovery codes an account gets, the name authenticator apps show, and whether
    # admins and staff must enroll (until they do, only enrollment endpoints work).
    mfa_challenge_minutes: float = Field(5, gt=0, le=60)
    mfa_recovery_codes: int = Field(10, ge=1, le=50)
    mfa_issuer: str = Field("Platform", min_length=1, max_length=64)
    mfa_required_for_staff: bool = False

    # Rate limits (`limits` syntax: "100/minute", "10 per second", several joined by ";";
    # a bare number means per second). Counted in Redis when PLATFORM_REDIS_URL is set.
    # A caller is charged to its API key or user once its bearer is verified, to its
    # client address otherwise. Per-minute windows let an honest client burst (a CI job,
    # a dashboard opening every view) while one client cannot take more than about
    # 100 requests a second of the whole service. Benchmarks and the test suite, which
    # drive one user far harder than that on purpose, raise them in their own settings.
    rate_limit_enabled: bool = True
    rate_limit_per_api_key: str = "6000/minute"
    rate_limit_per_user: str = "6000/minute"
    # Anonymous callers: catalog browsing and sign-in pages, possibly many people
    # behind one NAT address.
    rate_limit_per_ip: str = "1200/minute"
    # Sign-in, refresh, registration and password change have stricter buckets of their
    # own. Keyed by address AND account (email, refresh token or user), a stranger
    # cannot lock anyone else out, and one account cannot be hammered; password guessing
    # itself is stopped earlier still by the login_* failure throttle (5 failures).
    # A person, the CLI and the dashboard sign in or refresh a few times an hour; the
    # per-address cap leaves room for an office of people behind one address.
    rate_limit_auth_per_account: str = "30/minute"
    rate_limit_auth_per_ip: str = "600/minute"
    # Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For and
    # X-Forwarded-Proto are believed ("10.0.0.0/8,127.0.0.1"; empty: none).
    trusted_proxies: str = ""

    # Browser origins allowed to call the API ("https://shop.example,https://admin.example";
    # empty: no CORS headers at all). Credentials (cookies) are not allowed unless set.
    cors_origins: str = ""
    cors_allow_credentials: bool = False
    # HSTS max-age, sent only on requests that came over HTTPS (0: never sent).
    hsts_seconds: int = Field(31_536_000, ge=0)

    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    idempotency_ttl_hours: int = Field(24, ge=1)
    # An unpaid order holds its stock this long, then expires.
    order_reservation_minutes: int = Field(30, ge=1)

    payment_gateway: Literal["sandbox", "http"] = "sandbox"
    payment_gateway_url: str | None = None
    payment_gateway_key: str | None = None
    payment_gateway_timeout_seconds: float = Field(10.0, gt=0)

    # Catalog reads (product lists, product detail, categories) are cached this long, in
    # Redis when configured (shared by every process), else in process; 0 turns it off.
    # Writes through the API invalidate at once; the TTL bounds changes made around it.
    catalog_cache_seconds: float = Field(30.0, ge=0, le=3600)
    # Entries kept per process when the catalog cache is in process memory.
    catalog_cache_max_entries: int = Field(2048, ge=1, le=1_000_000)
    # A cache call to Redis gives up after this long; then Redis is skipped (requests
    # go uncached) for the retry period before it is tried again.
    cache_redis_timeout_seconds: float = Field(0.5, gt=0, le=30)
    cache_redis_retry_seconds: float = Field(5.0, ge=0, le=300)

    # Events: embedded dispatch from the database unless a broker URL is set, in which
    # case API processes publish and `platform worker run` processes deliver.
    broker_url: str | None = None
    # Names every exchange and queue, so test runs and deployments can share a broker.
    broker_prefix: str = "platform"
    dispatch_poll_seconds: float = Field(1.0, gt=0, le=60)
    # A claimed delivery not finished within this time is taken again (its worker died).
    delivery_lease_seconds: float = Field(60.0, ge=1)
    delivery_concurrency: int = Field(50, ge=1, le=256)

    email_backend: Literal["console", "smtp"] = "console"
    email_from: str = "Platform <no-reply@platform.localhost>"
    smtp_host: str = "localhost"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = Field(10.0, gt=0)
    sms_backend: Literal["console", "http"] = "console"
    sms_http_url: str | None = None
    sms_http_key: str | None = None
    sms_from: str = "Platform"
    # Seconds before each retry of a failed notification; after the last, it is failed.
    notification_retry_seconds: list[float] = [10, 60, 300, 1800]

    # Exponential backoff over about sixteen hours, then the delivery is failed.
    webhook_retry_seconds: list[float] = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800]
    webhook_timeout_seconds: float = Field(10.0, gt=0, le=60)
    # An endpoint with no success for this long is disabled when a delivery finally fails.
    webhook_disable_after_hours: float = Field(72.0, gt=0)
    # Loopback and private targets are refused unless this is set (local development).
    webhooks_allow_private: bool = False

    # Prometheus metrics: request instrumentation and `GET /metrics` (off: neither).
    metrics_enabled: bool = True
    # Bearer token `/metrics` requires; unset, `/metrics` answers loopback clients only.
    metrics_token: str | None = Field(None, repr=False)
    # Where `platform server run --workers N` keeps the processes' shared metric files
    # (exported as PROMETHEUS_MULTIPROC_DIR); default `<data dir>/metrics`.
    metrics_dir: Path | None = None
    # How often processes in multiprocess mode, and workers, refresh scrape-time gauges.
    metrics_refresh_seconds: float = Field(5.0, gt=0, le=300)

    # `platform server run`: seconds an idle keep-alive connection stays open (set it
    # above a load balancer's idle timeout, so the balancer closes first), and how many
    # connections the kernel queues before they are accepted (capped by somaxconn).
    keep_alive_seconds: int = Field(5, ge=1, le=3600)
    listen_backlog: int = Field(2048, ge=64, le=65535)
    # Files (product images, avatars): on local disk under the data directory, or in an
    # S3-compatible bucket (AWS, MinIO, Ceph, R2) that stays private (docs/deploy.md).
    storage_backend: Literal["local", "s3"] = "local"
    # Where the local backend keeps objects; default `<data dir>/objects`.
    storage_dir: Path | None = None
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    # Unset: AWS. Set for MinIO, Ceph, R2 or another S3 API (`http://127.0.0.1:9000`).
    s3_endpoint_url: str | None = None
    # Unset: botocore's usual chain (environment, shared files, instance role).
    s3_access_key_id: str | None = Field(None, repr=False)
    s3_secret_access_key: str | None = Field(None, repr=False)
    s3_addressing_style: Literal["auto", "path", "virtual"] = "auto"
    s3_timeout_seconds: float = Field(10.0, gt=0, le=120)
    # Retries of a failed S3 call (botocore's standard mode, with backoff) before a 503.
    s3_retries: int = Field(2, ge=0, le=10)
    # A write larger than this is a multipart upload of parts this size (S3's minimum is 5).
    s3_part_mb: int = Field(8, ge=5, le=512)
    # Downloads may be answered by a redirect to a presigned URL this many seconds long,
    # instead of passing the bytes through the API (off: always through the API).
    s3_presign: bool = False
    s3_presign_seconds: int = Field(300, ge=10, le=3600)
    # Uploads: the largest file taken (413 past it: the server stops reading), and the
    # most pixels an image may have (422 past it: Pillow's decompression-bomb guard).
    upload_max_bytes: int = Field(10 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024)
    image_max_pixels: int = Field(40_000_000, ge=1_000, le=500_000_000)
    # Bulk jobs: the largest file an import takes, the longest line in it, rows per
    # chunk (one transaction each), how long a runner's lease lasts without a chunk
    # committing, and how often idle runners look for jobs.
    bulk_upload_max_bytes: int = Field(512 * 1024 * 1024, ge=1024)
    bulk_max_line_bytes: int = Field(1024 * 1024, ge=1024)
    bulk_chunk_rows: int = Field(1000, ge=1, le=10_000)
    bulk_lease_seconds: float = Field(60.0, gt=0)
    bulk_poll_seconds: float = Field(1.0, gt=0, le=60)
    # Tests only: a runner holds after committing this chunk (1-based) until killed.
    bulk_pause_after_chunk: int = Field(0, ge=0)

    seller_name: str = "Platform Demo Store"
    seller_address: str = "1 Example Street, Springfield"
    log_level: str = "info"
    # json: one JSON object a line; console: human-readable. Unset: json unless stderr
    # is a terminal.
    log_format: Literal["json", "console"] | None = None
    # OpenTelemetry tracing, off unless an OTLP/HTTP collector is named
    # (e.g. http://127.0.0.1:4318/v1/traces).
    otel_endpoint: str | None = None
    otel_service_name: str = "platform"

    @field_validator(
        "rate_limit_per_api_key",
        "rate_limit_per_user",
        "rate_limit_per_ip",
        "rate_limit_auth_per_account",
        "rate_limit_auth_per_ip",
        mode="before",
    )
    @classmethod
    def _rate_limit(cls, value: object) -> str:
        text = f"{value}/second" if isinstance(value, int | float) else str(value).strip()
        if text.isdigit():
            text += "/second"
        try:
            parsed = parse_many(text)
        except ValueError as exc:
            raise ValueError(f"not a rate limit ({exc}); write e.g. 100/minute") from None
        if not parsed or any(item.amount < 1 for item in parsed):
            raise ValueError("a rate limit needs at least one request per window")
        return text

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or CIDR range") from None
        return value

    @model_validator(mode="after")
    def _lease_outlasts_an_attempt(self) -> Settings:
        # A lease that ran out while its attempt was still going would let a second
        # process send the same row at the same time.
        needed = max(self.webhook_timeout_seconds, self.smtp_timeout_seconds) + 5
        if self.delivery_lease_seconds < needed:
            raise ValueError(
                f"PLATFORM_DELIVERY_LEASE_SECONDS must be at least {needed:g} (the webhook or "
                "SMTP timeout plus 5 seconds), or one attempt could outlive its lease"
            )
        return self

    @classmethod
    def load(cls) -> Settings:
        """From the environment, plus the env file named by `PLATFORM_ENV_FILE` if any."""
        env_file = os.environ.get("PLATFORM_ENV_FILE")
        return cls(_env_file=env_file) if env_file else cls()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'platform.db').resolve()}"

    @property
    def resolved_storage_dir(self) -> Path:
        return self.storage_dir or self.data_dir / "objects"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @cached_property
    def signing_secret(self) -> str:
        """The JWT and API-key hashing secret.

        Never hard-coded: without `PLATFORM_JWT_SECRET` a random key is made
        once and kept in the data directory, so restarts keep sessions valid.
        """
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / "secret.key"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: when several workers start at once, exactly one writes the key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _read_when_written(path)
        secret = secrets.token_urlsafe(48)
        with os.fdopen(fd, "w") as fh:
            fh.write(secret)
        return secret


def _read_when_written(path: Path) -> str:
    for _ in range(50):
        secret = path.read_text().strip()
        if secret:
            return secret
        time.sleep(0.05)
    raise RuntimeError(f"{path} exists but is empty; delete it to generate a new key")
