"""The bulk domain's public interface (for composition: app.py and the worker)."""

from platform_server.bulk.runner import RUNNER, JobRunner

__all__ = ["RUNNER", "JobRunner"]
