"""Worlds (admin): create, list, show, reset, delete; seeding the demo data into one."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from shared.service import auth, deps, join_codes
from shared.service.app import ok
from shared.service.deps import Body, WorldName
from shared.service.worlds import WorldInfo, WorldSummary, check_name, info, summary

router = APIRouter(tags=["worlds"], responses=deps.ERRORS, dependencies=[Depends(deps.admin)])


class NewWorld(Body):
    name: deps.Str


@router.get("/worlds", response_model=list[WorldInfo])
def list_worlds(request: Request):
    store = deps.state(request).worlds
    return ok([info(n, store.get(n)) for n in store.names()])


@router.post("/worlds", response_model=WorldInfo, status_code=201)
def create_world(request: Request, body: NewWorld):
    name = check_name(body.name)
    return ok(info(name, deps.state(request).worlds.create(name)), 201)


@router.get("/worlds/{world}", response_model=WorldInfo)
def show_world(w: deps.World = Depends(deps.world)):
    return ok(info(w.name, w.core))


@router.get("/worlds/{world}/summary", response_model=WorldSummary)
def world_summary(request: Request, w: deps.World = Depends(deps.world)):
    """The classroom view's row: challenges solved, alerts, the newest alert, last activity, policy, join code."""
    return ok(summary(w.name, w.core, join_codes.code_of(deps.state(request).worlds, w.name)))


@router.delete("/worlds/{world}", response_model=None)
def delete_world(request: Request, world: WorldName):
    s = deps.state(request)
    s.worlds.delete(world)
    s.shifts.forget_world(world)
    return ok(None)


@router.post("/worlds/{world}/reset", response_model=WorldInfo)
def reset_world(request: Request, world: WorldName):
    s = deps.state(request)
    core = s.worlds.reset(world)
    s.shifts.forget_world(world)
    return ok(info(world, core))


@router.post("/worlds/{world}/seed-demo", response_model=dict)
def seed_demo(w: deps.World = Depends(deps.world)):
    return ok(auth.seed_demo(w.core))
