from __future__ import annotations

from typing import Unpack

from .._endpoints import Call, Resource, endpoint
from .._types import M, RequestOptions
from ..models import HealthStatus


class Health(Resource[M]):
    """Liveness and readiness probes, served at the server root rather than under /api/v1."""

    @endpoint("GET", "/healthz", authenticated=False)
    def live(self, **options: Unpack[RequestOptions]) -> Call[HealthStatus]:
        """``{"status": "ok"}`` while the server process is alive."""
        ...

    @endpoint("GET", "/readyz", authenticated=False)
    def ready(self, **options: Unpack[RequestOptions]) -> Call[HealthStatus]:
        """Status of the server and its database; a 503 raises ``InternalServerError``."""
        ...
