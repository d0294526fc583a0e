from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, PrivateAttr


class PlatformModel(BaseModel):
    """Base of every response model.

    ``extra="allow"`` keeps fields added by a newer server (reachable as attributes and
    in ``model_dump()``) instead of failing validation.

    ``request_id`` is the ``X-Request-ID`` of the response the object came from (quote it
    in bug reports), except on models whose data has a ``request_id`` of its own
    (:class:`Event`, :class:`AuditRecord`: the request that caused them). There,
    ``response_request_id`` gives the response's.
    """

    model_config = ConfigDict(extra="allow")

    _request_id: str | None = PrivateAttr(default=None)

    if TYPE_CHECKING:
        request_id: str | None
    else:

        def __getattr__(self, name: str) -> Any:
            # Only reached when no field of that name exists: a model's own
            # `request_id` field wins over the response's.
            if name == "request_id":
                return self._request_id
            return super().__getattr__(name)

    @property
    def response_request_id(self) -> str | None:
        """``X-Request-ID`` of the response this object came from."""
        return self._request_id
