"""What every router needs: the world a call is about, who the caller is, rate limits, the body base class
and the error envelope the OpenAPI spec documents."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from shared.core import Core
from shared.sessions import Session
from shared.service import auth
from shared.service.app import ServiceState

_bearer = HTTPBearer(auto_error=False, description="wallet session, shift token or admin token (docs/API.md)")
_terminal_key = APIKeyHeader(name="X-Terminal-Key", auto_error=False)

WorldName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$", max_length=32)]


class Body(BaseModel):
    """Every request body: unknown fields are refused (a `now` among them: the client never sets the time)."""

    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    code: str
    message: str
    type: str
    details: dict[str, Any] | None = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorEnvelope} for s in
                                           (400, 401, 403, 404, 408, 409, 413, 422, 429, 503)}


def state(request: Request) -> ServiceState:
    return request.app.state.service


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


# The dependencies every call runs are `async def` when they do no I/O (a dict read, SHA-256, a token bucket):
# FastAPI runs a plain `def` dependency in the thread pool, one hop per dependency per request.
async def limit_address(request: Request) -> None:
    if getattr(request.state, "address_counted", False):     # once per request, however many deps ask
        return
    request.state.address_counted = True
    state(request).by_address.hit(("addr", client_address(request)))


def limit_account(request: Request, world: str, account: object) -> None:
    state(request).by_account.hit(("account", world, str(account).strip().lower()[:320]), "attempts for this account")


@dataclass(frozen=True, slots=True)
class World:
    name: str
    core: Core


async def world(request: Request, world: WorldName, _: None = Depends(limit_address)) -> World:
    store = state(request).worlds
    core = store.opened(world)
    if core is None:        # opening (or refusing) a world reads the disk or asks the server: in the thread pool
        core = await run_in_threadpool(store.get, world)
    return World(world, core)


def _authorization(request: Request) -> str | None:
    return request.headers.get("authorization")


async def admin(request: Request, _cred: Any = Security(_bearer), _l: None = Depends(limit_address)) -> None:
    state(request).admin.check(_authorization(request))


@dataclass(frozen=True, slots=True)
class Wallet:
    world: str
    core: Core
    token: str
    session: Session


def wallet(request: Request, w: World = Depends(world), _cred: Any = Security(_bearer)) -> Wallet:
    token = auth.bearer(_authorization(request))
    session = w.core.identity.session(token)           # SessionInvalid for a token of another world
    limit_account(request, w.name, f"customer:{session.customer_id}")
    return Wallet(w.name, w.core, token, session)


@dataclass(frozen=True, slots=True)
class Till:
    world: str
    core: Core
    shift: auth.Shift


async def till(request: Request, w: World = Depends(world), _cred: Any = Security(_bearer)) -> Till:
    shifts, authorization = state(request).shifts, _authorization(request)
    # A known shift is a dict read; an unknown token (a restarted server, or a guess) reads the world's
    # database, which must not block the event loop.
    shift = shifts.cached(w.name, authorization) or await run_in_threadpool(shifts.check, w.name, authorization)
    limit_account(request, w.name, f"terminal:{shift.terminal_id}")
    return Till(w.name, w.core, shift)


async def terminal_key(request: Request, _key: Any = Security(_terminal_key)) -> str | None:
    return request.headers.get("x-terminal-key")


Yen = Annotated[int, Field(strict=True, ge=0, le=2**53)]
Int = Annotated[int, Field(strict=True, ge=-(2**63), lt=2**63)]
Str = Annotated[str, Field(strict=True, max_length=4096)]
OptStr = Annotated[str | None, Field(strict=True, max_length=4096)]
