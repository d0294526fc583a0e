"""Prometheus metrics: the process's metrics, request instrumentation, `/metrics`, and the
worker's metrics server. Shared plumbing: it imports no domain (what `/metrics` reads
from the domains at scrape time is wired in by the composition root, `app.py`)."""
