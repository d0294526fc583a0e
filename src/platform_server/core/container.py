"""The typed composition root: the services `app.py` builds once, and how routes get them.

Routes declare what they use as dependencies (`settings: SettingsDep`, `db:
DatabaseDep` from `core.database`); plumbing that has the request reads the same container with
`services_of(request)`. Core knows no domain: a service a domain owns (the payment
gateway, the catalog cache) sits in a `Slot` that domain declares with its type;
`app.py` fills it (`SLOT.bind(value)`) and the domain's routes depend on it
(`Annotated[Gateway, Depends(GATEWAY.provide)]`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, cast

from fastapi import Depends, FastAPI, Request

from platform_server.core.settings import Settings

if TYPE_CHECKING:  # these import this module (some through core.database): a cycle at run time
    from platform_server.core.access import CallerResolver
    from platform_server.core.database import Database
    from platform_server.core.security import TokenSigner

T = TypeVar("T")


class Slot(Generic[T]):
    """A typed place in the container for one service a domain owns."""

    def __init__(self, name: str) -> None:
        self.name = name

    def bind(self, value: T) -> Bound[T]:
        """What `app.py` puts in the container; mypy checks `value` against the slot."""
        return Bound(self, value)

    # async: FastAPI runs a plain function dependency in a thread, a hop per request.
    async def provide(self, request: Request) -> T:
        """The dependency: `Annotated[X, Depends(SLOT.provide)]`."""
        return services_of(request).get(self)

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


@dataclass(frozen=True)
class Bound(Generic[T]):
    slot: Slot[T]
    value: T


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    signer: TokenSigner
    # Bearer token → Principal, for `core.access` (the auth domain's resolver).
    callers: CallerResolver
    # After a write request commits (and `Database.on_commit` hooks ran): wake-ups.
    after_write: tuple[Callable[[], None], ...] = ()
    # Wakes the senders once a request queued a notification or webhook delivery.
    send_queued: Callable[[], None] = lambda: None
    bound: tuple[Bound[Any], ...] = ()
    _slots: Mapping[Slot[Any], object] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Frozen: the lookup table is set once, here.
        object.__setattr__(self, "_slots", {b.slot: b.value for b in self.bound})

    def get(self, slot: Slot[T]) -> T:
        try:
            value = self._slots[slot]
        except KeyError:
            raise LookupError(f"{slot!r} was not bound by the composition root") from None
        # Only `Slot.bind` fills the table, and mypy checked each value against its slot.
        return cast(T, value)


class PlatformApp(FastAPI):
    """The application with its services: `request.app.services`, typed."""

    def __init__(self, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services


def services_of(request: Request) -> Services:
    app = request.app
    if not isinstance(app, PlatformApp):
        raise TypeError("the request's application was not built by platform_server.app")
    return app.services


async def _settings(request: Request) -> Settings:
    return services_of(request).settings


async def _send_queued(request: Request) -> Callable[[], None]:
    return services_of(request).send_queued


SettingsDep = Annotated[Settings, Depends(_settings)]
SendQueuedDep = Annotated[Callable[[], None], Depends(_send_queued)]
