"""`Idempotency-Key` for every create: declared once per route with `@creates(...)`.

The key is claimed in its own committed transaction (so a concurrent twin sees
it and gets 409); the stored response is written in the request's transaction,
so the effect and the record of it commit together or not at all. The decorator
claims the key before the handler runs, so before the handler touches the
request's session: on SQLite that session holds the single write lock from its
first statement on.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
import types
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar, Union, cast, get_args, get_origin

from fastapi import APIRouter, Depends, Header, Request, Response, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import JSON, String, delete
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from platform_server.core.container import services_of
from platform_server.core.database import Base, Database, utcnow
from platform_server.core.errors import PROBLEM_JSON, Conflict, Unprocessable
from platform_server.core.principal import Principal

logger = logging.getLogger("platform_server.idempotency")

# A claim this old whose request never finished (a crashed process) may be taken over.
ABANDONED_AFTER = timedelta(seconds=60)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    caller: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response_body: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class IdempotentRequest:
    def __init__(self, request: Request, key: str | None) -> None:
        self.request = request
        self.key = key
        self._caller: str | None = None
        self._done = False

    @property
    def _db(self) -> Database:
        return services_of(self.request).db

    async def begin(
        self, caller: str, payload: BaseModel | None, uploads: dict[str, list[Any]] | None = None
    ) -> JSONResponse | None:
        """Claim the key; returns the stored response when this is a replay."""
        if self.key is None:
            return None
        self._caller = caller
        digest = _request_hash(self.request, payload, uploads or {})
        ttl = timedelta(hours=services_of(self.request).settings.idempotency_ttl_hours)
        async with self._db.transaction() as session:
            existing = await session.get(IdempotencyRecord, (caller, self.key))
            now = utcnow()
            stale = existing is not None and (
                existing.created_at < now - ttl
                or (existing.status_code is None and existing.created_at < now - ABANDONED_AFTER)
            )
            if existing is not None and not stale:
                return self._answer_existing(existing, digest)
            if existing is not None:
                await session.delete(existing)
                await session.flush()
            session.add(IdempotencyRecord(caller=caller, key=self.key, request_hash=digest))
            try:
                await session.flush()
            except IntegrityError as exc:
                self.key = None  # the claim is another request's: never release it
                raise Conflict(
                    "A request with this Idempotency-Key is still being processed."
                ) from exc
        return None

    def _answer_existing(self, record: IdempotencyRecord, digest: str) -> JSONResponse:
        if record.request_hash != digest:
            self.key = None  # not ours to release
            raise Unprocessable(
                "This Idempotency-Key was used with a different request; use a new key.",
                errors=[{"loc": ["header", "Idempotency-Key"], "msg": "reused with another body"}],
            )
        if record.status_code is None:
            self.key = None
            raise Conflict("A request with this Idempotency-Key is still being processed.")
        self._done = True
        return JSONResponse(
            record.response_body,
            status_code=record.status_code,
            headers={"Idempotent-Replayed": "true"},
            media_type=PROBLEM_JSON if record.status_code >= 400 else None,
        )

    async def complete(
        self,
        session: AsyncSession,
        status_code: int,
        body: Any,
        *,
        secret_fields: tuple[str, ...] = (),
    ) -> None:
        """Store the response in the request's own transaction.

        `secret_fields` are stored as null: a secret shown once is never kept,
        so a replay says it was issued without repeating it.
        """
        if self.key is None or self._caller is None:
            return
        record = await session.get(IdempotencyRecord, (self._caller, self.key))
        if record is not None:
            stored = jsonable_encoder(body)
            for field in secret_fields:
                stored[field] = None
            record.status_code = status_code
            record.response_body = stored
        self._done = True

    async def release(self) -> None:
        """The request failed: free the key so the client may retry it."""
        if self.key is None or self._caller is None or self._done:
            return
        try:
            async with self._db.transaction() as session:
                await session.execute(
                    delete(IdempotencyRecord).where(
                        IdempotencyRecord.caller == self._caller,
                        IdempotencyRecord.key == self.key,
                        IdempotencyRecord.status_code.is_(None),
                    )
                )
        except Exception:  # the claim then expires on its own
            logger.warning("could not release idempotency key", exc_info=True)


def _request_hash(
    request: Request, payload: BaseModel | None, uploads: dict[str, list[Any]]
) -> str:
    body = payload.model_dump(mode="json", exclude_unset=True) if payload is not None else None
    # Only routes that take files hash them: every other route's stored keys still match.
    parts = [request.method, request.url.path, body] + ([uploads] if uploads else [])
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _upload_digest(file: UploadFile) -> list[Any]:
    """An uploaded file's name and content hash: the same key with another file is
    another request. Starlette has already spooled the file; it is read once more
    here and rewound for the handler."""
    digest = hashlib.sha256()
    while chunk := await file.read(1 << 20):
        digest.update(chunk)
    await file.seek(0)
    return [file.filename, digest.hexdigest()]


# async: FastAPI runs a plain function dependency in a thread, a hop per request.
async def _idempotent_request(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=255,
            description="Retry-safe creates: the same key and body replay the first response.",
        ),
    ] = None,
) -> IdempotentRequest:
    idem = IdempotentRequest(request, idempotency_key)
    # The request's session releases the claim after its rollback (see database.py).
    request.state.idempotency = idem
    return idem


Idempotent = Annotated[IdempotentRequest, Depends(_idempotent_request)]


Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


def idempotent(*, secret_fields: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
    """Makes a create route honour `Idempotency-Key`; `creates` declares a route with it.

    The key is claimed (or the stored answer replayed) before the handler runs, and
    the handler's answer is stored in the request's transaction: a returned model
    with the route's `status_code`, a returned `Response` (a declined payment's 402)
    with its own. The key belongs to the caller (the route's `Principal` parameter;
    anonymous callers share one key space) and is bound to the route's body, the
    parameter named `payload`.
    A handler that needs the key itself (to pass it on) declares `Idempotent`.
    `secret_fields` are stored as null: see `IdempotentRequest.complete`.
    An uploaded file (an `UploadFile` parameter) is bound to the key by its name and
    content hash.
    """

    def decorate(handler: Handler) -> Handler:
        signature = inspect.signature(handler, eval_str=True)
        params = list(signature.parameters.values())
        caller = _required(handler, params, lambda base: base is Principal, "Principal")
        session = _required(handler, params, lambda base: base is AsyncSession, "DbSession")
        body = _body(handler, params)
        files = [p.name for p in params if _base(p.annotation) is UploadFile]
        declared = _param(handler, params, lambda base: base is IdempotentRequest, "Idempotent")
        added = declared is None
        own = declared or "idempotency"
        if added:
            # Keyword-only, so it may stand first: its dependency is then resolved
            # first, as when routes declared it themselves.
            params = [
                inspect.Parameter(own, inspect.Parameter.KEYWORD_ONLY, annotation=Idempotent),
                *(p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params),
            ]

        @functools.wraps(handler)
        async def run(**kwargs: Any) -> Any:
            idem: IdempotentRequest = kwargs.pop(own) if added else kwargs[own]
            if idem.key is None:
                return await handler(**kwargs)
            principal: Principal | None = kwargs[caller]
            payload: BaseModel | None = kwargs[body] if body else None
            uploads = {name: await _upload_digest(kwargs[name]) for name in files}
            caller_key = principal.caller_key if principal else "anonymous"
            replay = await idem.begin(caller_key, payload, uploads)
            if replay is not None:
                return replay
            result = await handler(**kwargs)
            if isinstance(result, Response):
                answer, status_code = json.loads(bytes(result.body)), result.status_code
            else:
                answer, status_code = result, _route_status(idem.request)
            await idem.complete(kwargs[session], status_code, answer, secret_fields=secret_fields)
            return result

        # FastAPI reads the parameters (and so the dependencies) from this signature.
        run.__dict__["__signature__"] = signature.replace(parameters=params)
        return cast(Handler, run)

    return decorate


def creates(
    router: APIRouter,
    path: str,
    *,
    summary: str,
    status_code: int = 201,
    responses: dict[int | str, dict[str, Any]] | None = None,
    secret_fields: tuple[str, ...] = (),
) -> Callable[[Handler], Handler]:
    """A create route: `POST path` answering `status_code`, honouring `Idempotency-Key`
    (`idempotent`). Declaring both at once means no create can forget its key.

    The documented answer is the handler's return annotation less `Response`: a handler
    may return a ready `Response` (a declined payment's 402, or a model serialised once
    by `model_response`) and FastAPI cannot document a union holding one."""

    def decorate(handler: Handler) -> Handler:
        route = router.post(
            path,
            status_code=status_code,
            response_model=_answer_model(handler),
            summary=summary,
            responses=responses,
        )
        return route(idempotent(secret_fields=secret_fields)(handler))

    return decorate


def _answer_model(handler: Callable[..., Any]) -> Any:
    answer = inspect.signature(handler, eval_str=True).return_annotation
    if get_origin(answer) not in (Union, types.UnionType):
        return answer
    models = [a for a in get_args(answer) if not issubclass(a, Response)]
    if len(models) != 1:
        raise TypeError(f"@creates {handler.__qualname__}: answer one model, or it and Response")
    return models[0]


def _base(annotation: Any) -> Any:
    """`Annotated[X | None, ...]` → X: the type a parameter's value has."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        annotation = kinds[0] if len(kinds) == 1 else annotation
    return annotation


def _body(handler: Callable[..., Any], params: list[inspect.Parameter]) -> str | None:
    """The body the key is bound to: the parameter named `payload`, the name every route
    gives it. Another plain model parameter would be a body the hash never saw."""
    for param in params:
        plain = get_origin(param.annotation) is not Annotated
        base = _base(param.annotation)
        model = isinstance(base, type) and issubclass(base, BaseModel)
        if plain and model and param.name != "payload":
            raise TypeError(f"@idempotent {handler.__qualname__}: name the body `payload`")
    return "payload" if any(p.name == "payload" for p in params) else None


def _param(
    handler: Callable[..., Any],
    params: list[inspect.Parameter],
    matches: Callable[[Any], bool],
    what: str,
) -> str | None:
    """The name of the one parameter whose type `matches`, if there is one."""
    found = [p.name for p in params if matches(_base(p.annotation))]
    if len(found) > 1:
        raise TypeError(f"@idempotent {handler.__qualname__}: more than one {what} parameter")
    return found[0] if found else None


def _required(
    handler: Callable[..., Any],
    params: list[inspect.Parameter],
    matches: Callable[[Any], bool],
    what: str,
) -> str:
    name = _param(handler, params, matches, what)
    if name is None:
        raise TypeError(f"@idempotent {handler.__qualname__}: needs a {what} parameter")
    return name


def _route_status(request: Request) -> int:
    route = request.scope.get("route")
    return (route.status_code if isinstance(route, APIRoute) else None) or 200


async def purge_expired(session: AsyncSession, ttl_hours: int) -> int:
    cutoff = utcnow() - timedelta(hours=ttl_hours)
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)
    )
    return result.rowcount or 0


__all__ = ["IdempotencyRecord", "Idempotent", "IdempotentRequest", "idempotent", "purge_expired"]
