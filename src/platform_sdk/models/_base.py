from __future__ import annotations

from pydantic import BaseModel, ConfigDict, PrivateAttr


class PlatformModel(BaseModel):
    """Base of every response model.

    ``extra="allow"`` keeps fields added by a newer server (reachable as attributes and
    in ``model_dump()``) instead of failing validation.
    """

    model_config = ConfigDict(extra="allow")

    _request_id: str | None = PrivateAttr(default=None)

    @property
    def request_id(self) -> str | None:
        """``X-Request-ID`` of the response this object came from; quote it in bug reports."""
        return self._request_id
