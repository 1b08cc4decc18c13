"""Join codes (shared/service/join_codes.py): resolving one (no credential, rate-limited per address), and the
admin's read and renewal of a world's code."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request

from shared.service import deps, join_codes
from shared.service.app import ok
from shared.service.deps import Body, WorldName

public = APIRouter(tags=["worlds"], responses=deps.ERRORS, dependencies=[Depends(deps.limit_address)])
router = APIRouter(tags=["worlds"], responses=deps.ERRORS, dependencies=[Depends(deps.admin)])


class JoinBody(Body):
    code: deps.Str


@dataclass(frozen=True, slots=True)
class Joined:
    world: str


@dataclass(frozen=True, slots=True)
class JoinCode:
    world: str
    code: str


@public.post("/join", response_model=Joined)
def join(request: Request, body: JoinBody):
    """The world a join code names. Every attempt counts against this address's join limit (429 past it)."""
    s = deps.state(request)
    s.joins.hit(("join", deps.client_address(request)), "join attempts")
    return ok(Joined(join_codes.resolve(s.worlds, body.code)))


@router.get("/worlds/{world}/join-code", response_model=JoinCode)
def show_code(request: Request, world: WorldName):
    return ok(JoinCode(world, join_codes.code_of(deps.state(request).worlds, world)))


@router.post("/worlds/{world}/join-code", response_model=JoinCode)
def new_code(request: Request, world: WorldName):
    return ok(JoinCode(world, join_codes.regenerate(deps.state(request).worlds, world)))


routers = (public, router)
