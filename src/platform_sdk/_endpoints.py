"""Declaring SDK methods once for Client, AsyncClient and their raw-response views.

A resource method is written as a function returning a *description* of the call
(:class:`Call` or :class:`PageCall`) and decorated with ``@endpoint(METHOD, PATH)`` or
``@paginated(METHOD, PATH)``. The decorator is a descriptor: looked up on a resource
bound to a client it returns a function with the same parameters that runs the call
through that client, typed by the resource's mode marker (``Sync``, ``Async``,
``SyncRaw``, ``AsyncRaw``). A method declared without a body (``...`` after its docstring)
sends what its signature says (``_declared.py``). The decorator also records
(METHOD, PATH) so coverage against the server's OpenAPI document is checkable with
:func:`registered_operations`.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from typing import (
    Any,
    Concatenate,
    Final,
    Generic,
    Literal,
    ParamSpec,
    Protocol,
    Self,
    TypeVar,
    cast,
    overload,
)

# Imported at run time: the endpoint classes below name them in their bases. Both are
# small and import nothing else, and every client imports them anyway.
from ._pagination import AsyncPage, AsyncPaginator, SyncPage
from ._response import APIResponse
from ._types import Async, AsyncRaw, M, Sync, SyncRaw

if typing.TYPE_CHECKING:
    from ._declared import Declaration
    from ._files import Download, Upload

P = ParamSpec("P")
T = TypeVar("T")

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
AuthEffect = Literal["store", "rotate", "clear"]

_IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})

JSON: Final = "application/json"


@dataclass(frozen=True, slots=True)
class EndpointSpec:
    """What is fixed per operation: verb, path template and how it may be retried."""

    method: HttpMethod
    path: str
    creates: bool = False
    """A POST that creates something: sends an Idempotency-Key and so may be retried."""
    authenticated: bool = True
    """Sends credentials and may refresh the access token (false for login and refresh)."""

    @property
    def retryable(self) -> bool:
        return self.method in _IDEMPOTENT_METHODS or self.creates


class Missing(Exception):
    """Raised by a ``parse`` that looks one item up in a list (by SKU, by number) and
    finds none: the client raises ``NotFoundError`` with this message as its detail."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _CallBase:
    path_params: Mapping[str, object] = field(default_factory=dict)
    query: Mapping[str, object] = field(default_factory=dict)
    body: Mapping[str, object] | None = None
    content: bytes | None = None
    """A body sent as given (``client.request``); wins over ``body``."""
    upload: Upload | None = None
    """A file sent as multipart/form-data, streamed from its path or file object."""
    options: Mapping[str, Any] = field(default_factory=dict)
    auth_effect: AuthEffect | None = None
    spec: EndpointSpec | None = None
    """The operation of a call whose method and path are chosen at run time
    (``client.request``); resource methods take theirs from the decorator."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Call(_CallBase, Generic[T]):
    """One request; ``parse`` turns the body into ``T``.

    With the default ``accept`` (JSON) ``parse`` receives the decoded JSON body (``None``
    for 204). With any other media type, for example ``"application/pdf"``, it receives
    the raw bytes of a response of that type.
    """

    parse: Callable[[Any], T]
    accept: str = JSON
    download: Download | None = None
    """Where the body is streamed to (the call then returns a ``Downloaded``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PageCall(_CallBase, Generic[T]):
    """A list request; ``item`` turns each element of ``data`` into ``T``."""

    item: Callable[[Any], T]

    def for_cursor(self, cursor: str) -> PageCall[T]:
        return dataclasses.replace(self, query={**self.query, "cursor": cursor})


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamCall(_CallBase, Generic[T]):
    """A Server-Sent Events stream; ``item`` turns each event's JSON data into ``T``.

    Iterating reconnects after a dropped connection, resuming with ``Last-Event-ID``.
    """

    item: Callable[[Any], T]
    last_event_id: str | None = None
    accept: str = "text/event-stream"


def no_content(_body: object) -> None:
    return None


def raw_bytes(body: bytes) -> bytes:
    """``parse`` of a :class:`Call` with a non-JSON ``accept``: the body as it came."""
    return body


class Executor(Protocol):
    def _execute(self, spec: EndpointSpec, call: Call[Any] | PageCall[Any], *, raw: bool) -> Any:
        """Run the call; the return value is typed by the endpoint descriptors."""

    def _stream(self, spec: EndpointSpec, call: StreamCall[Any]) -> Any:
        """An iterator (async iterator for AsyncClient) over the stream's items."""


class Resource(Generic[M]):
    """Base of resources; ``M`` is a mode marker that only drives static typing."""

    def __init__(self, executor: Executor | None = None, *, raw: bool = False) -> None:
        # Without an executor this is a client: the root resource, running its own calls.
        self._executor: Executor = executor if executor is not None else cast(Executor, self)
        self._raw = raw


R = TypeVar("R", bound=Resource[Any])


class SubResource(Generic[R]):
    """A resource reached through another one (``client.orders.payments``), declared as
    ``payments: SubResource[OrderPayments[M]] = SubResource(lambda: OrderPayments)``.

    The annotation gives type checkers the child in the parent's mode (``OrderPayments[Sync]``
    on a ``Client``). The child is built on first access with the parent's executor and mode
    and then kept on the parent, like a ``functools.cached_property``; its class is named
    through a function so that its module is imported only then.
    """

    def __init__(self, resource_class: Callable[[], Callable[..., R]]) -> None:
        self.resource_class = resource_class
        self._name = ""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: Resource[Any], owner: type[Any]) -> R: ...
    def __get__(self, obj: Resource[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        child = self.resource_class()(obj._executor, raw=obj._raw)
        # The instance attribute wins over this (non-data) descriptor from now on.
        obj.__dict__[self._name] = child
        return child


# What a method returns in each mode: on Client, AsyncClient and their raw-response views.
S = TypeVar("S")
A = TypeVar("A")
SR = TypeVar("SR")
AR = TypeVar("AR")


class _EndpointBase(Generic[P, S, A, SR, AR]):
    """A method declared once for every mode; each kind of endpoint states what it returns
    in each one through its type arguments (sync, async, sync raw, async raw)."""

    def __init__(self, spec: EndpointSpec, fn: Callable[..., Any]) -> None:
        self.spec = spec
        self._fn = fn
        params = list(inspect.signature(fn).parameters.values())[1:]
        self._signature = inspect.Signature(params)
        self._declared: Declaration | None = None
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: type[Any]) -> Callable[P, S]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: type[Any]) -> Callable[P, A]: ...
    @overload
    def __get__(self, obj: Resource[SyncRaw], owner: type[Any]) -> Callable[P, SR]: ...
    @overload
    def __get__(self, obj: Resource[AsyncRaw], owner: type[Any]) -> Callable[P, AR]: ...
    def __get__(self, obj: Resource[Any] | None, owner: type[Any]) -> Any:
        return self if obj is None else self._as_method(self._bind(obj))

    def _bind(self, obj: Resource[Any]) -> Callable[..., Any]:
        fn, spec = self._fn, self.spec

        def bound(*args: Any, **kwargs: Any) -> Any:
            call = fn(obj, *args, **kwargs)
            if call is None:  # declared without a body: the signature says what to send
                call = self._declaration().call(args, kwargs)
            return obj._executor._execute(call.spec or spec, call, raw=obj._raw)

        return bound

    def _declaration(self) -> Declaration:
        if self._declared is None:
            from ._declared import Declaration

            self._declared = Declaration.of(self.spec, self._fn)
        return self._declared

    def _as_method(self, bound: Callable[..., Any]) -> Callable[..., Any]:
        """``bound`` with the method's name, docs and signature (without ``self``)."""
        functools.update_wrapper(bound, self._fn)
        bound.__signature__ = self._signature  # type: ignore[attr-defined]
        return bound

    def __repr__(self) -> str:
        return f"<endpoint {self.spec.method} {self.spec.path}>"


class Endpoint(
    _EndpointBase[
        P, T, Coroutine[Any, Any, T], APIResponse[T], Coroutine[Any, Any, APIResponse[T]]
    ],
    Generic[P, T],
):
    pass


class PageEndpoint(
    _EndpointBase[
        P,
        SyncPage[T],
        AsyncPaginator[T],
        APIResponse[SyncPage[T]],
        Coroutine[Any, Any, APIResponse[AsyncPage[T]]],
    ],
    Generic[P, T],
):
    pass


class StreamEndpoint(
    _EndpointBase[P, Iterator[T], AsyncIterator[T], Iterator[T], AsyncIterator[T]], Generic[P, T]
):
    """Raw-response views stream the same parsed items: a stream has no single body."""

    def _bind(self, obj: Resource[Any]) -> Callable[..., Any]:
        fn, spec = self._fn, self.spec

        def bound(*args: Any, **kwargs: Any) -> Any:
            return obj._executor._stream(spec, fn(obj, *args, **kwargs))

        return bound


def streaming(
    path: str,
) -> Callable[[Callable[Concatenate[Any, P], StreamCall[T]]], StreamEndpoint[P, T]]:
    spec = EndpointSpec("GET", path)

    def decorate(fn: Callable[Concatenate[Any, P], StreamCall[T]]) -> StreamEndpoint[P, T]:
        return StreamEndpoint(spec, fn)

    return decorate


def endpoint(
    method: HttpMethod, path: str, *, creates: bool = False, authenticated: bool = True
) -> Callable[[Callable[Concatenate[Any, P], Call[T]]], Endpoint[P, T]]:
    spec = EndpointSpec(method, path, creates=creates, authenticated=authenticated)

    def decorate(fn: Callable[Concatenate[Any, P], Call[T]]) -> Endpoint[P, T]:
        return Endpoint(spec, fn)

    return decorate


def paginated(
    method: HttpMethod, path: str
) -> Callable[[Callable[Concatenate[Any, P], PageCall[T]]], PageEndpoint[P, T]]:
    spec = EndpointSpec(method, path)

    def decorate(fn: Callable[Concatenate[Any, P], PageCall[T]]) -> PageEndpoint[P, T]:
        return PageEndpoint(spec, fn)

    return decorate


# The placeholder operation of ``any_path`` methods; every call brings its own spec.
_ANY_PATH: Final = EndpointSpec("GET", "")


def any_path(fn: Callable[Concatenate[Any, P], Call[T]]) -> Endpoint[P, T]:
    """Like ``endpoint`` for a method whose call carries its own ``spec`` (``request``)."""
    return Endpoint(_ANY_PATH, fn)


def any_path_pages(fn: Callable[Concatenate[Any, P], PageCall[T]]) -> PageEndpoint[P, T]:
    """Like ``paginated`` for a method whose call carries its own ``spec``."""
    return PageEndpoint(_ANY_PATH, fn)


def registered_operations(root: type) -> set[tuple[str, str]]:
    """Every (HTTP method, path template) reachable from a client class's resources.

    ``registered_operations(Client) == {("GET", "/api/v1/users/{id}"), ...}``; walks
    classes only, so no client is constructed.
    """
    operations: set[tuple[str, str]] = set()
    seen: set[type] = set()

    def walk(cls: type) -> None:
        if cls in seen:
            return
        seen.add(cls)
        for klass in cls.__mro__:
            for attr in vars(klass).values():
                if isinstance(attr, _EndpointBase) and attr.spec is not _ANY_PATH:
                    operations.add((attr.spec.method, attr.spec.path))
                elif isinstance(attr, SubResource):
                    walk(cast(type, attr.resource_class()))

    walk(root)
    return operations
