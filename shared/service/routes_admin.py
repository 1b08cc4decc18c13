"""The trainer's calls on one world (admin token): policy and defences, the clock, the audit log, customers,
staff, stores, terminals (and their keys), the mailbox, attack runs and challenges. The policy, the
defences and the clock can be READ by anyone (the apps show them)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from shared import challenges, defences
from shared.audit import AuditRow, AuditVerdict
from shared.audit_events import AuditEvent
from shared.catalog import Item, Store, Terminal
from shared.errors import InputError
from shared.identity_base import Customer
from shared.mailbox import Message
from shared.service import auth, deps
from shared.service.app import ok
from shared.service.deps import Body, Int, OptStr, Str
from shared.staff import Staff

public = APIRouter(prefix="/worlds/{world}", tags=["policy and clock"], responses=deps.ERRORS)
router = APIRouter(prefix="/worlds/{world}", tags=["trainer"], responses=deps.ERRORS,
                   dependencies=[Depends(deps.admin)])


@dataclass(frozen=True, slots=True)
class PolicyView:
    name: str
    preset: str | None
    off: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DefenceView:
    name: str
    title_en: str
    title_ja: str
    on: bool


@dataclass(frozen=True, slots=True)
class ClockView:
    now: float
    offset: float


@dataclass(frozen=True, slots=True)
class TerminalKey:
    terminal: Terminal
    key: str


def _policy(core) -> PolicyView:
    p = core.policy
    summary = defences.describe(p)
    return PolicyView(p.name, summary.preset, summary.off_names)


def _clock(core) -> ClockView:
    return ClockView(core.now(), core.clock_offset())


@public.get("/policy", response_model=PolicyView)
def get_policy(w: deps.World = Depends(deps.world)):
    return ok(_policy(w.core))


@public.get("/defences", response_model=list[DefenceView])
def get_defences(w: deps.World = Depends(deps.world)):
    p = w.core.policy
    return ok([DefenceView(d.name, d.title.en, d.title.ja, defences.is_on(p, d)) for d in defences.DEFENCES.values()])


@public.get("/clock", response_model=ClockView)
def get_clock(w: deps.World = Depends(deps.world)):
    return ok(_clock(w.core))


class PresetBody(Body):
    preset: Literal["hardened", "2019"]


class OnBody(Body):
    on: bool


class ClockSet(Body):
    at: float | None = None
    offset: float | None = None


class ClockAdvance(Body):
    seconds: float


@router.put("/policy", response_model=PolicyView)
def set_policy(body: PresetBody, w: deps.World = Depends(deps.world)):
    w.core.set_policy(body.preset, actor="trainer")
    return ok(_policy(w.core))


@router.put("/defences/{name}", response_model=PolicyView)
def set_defence(name: str, body: OnBody, w: deps.World = Depends(deps.world)):
    w.core.set_defence(name, body.on, actor="trainer")
    return ok(_policy(w.core))


def _finite(x: float, what: str) -> float:
    if not math.isfinite(x):
        raise InputError(f"{what} must be a finite number.")
    return x


@router.post("/clock/set", response_model=ClockView)
def set_clock(body: ClockSet, w: deps.World = Depends(deps.world)):
    if (body.at is None) == (body.offset is None):
        raise InputError("Give either `at` (unix seconds) or `offset` (seconds).")
    if body.at is not None:
        w.core.set_simulated_time(_finite(body.at, "at"), actor="trainer")
    else:
        w.core.set_clock_offset(_finite(body.offset, "offset"), actor="trainer")
    return ok(_clock(w.core))


@router.post("/clock/advance", response_model=ClockView)
def advance_clock(body: ClockAdvance, w: deps.World = Depends(deps.world)):
    w.core.advance_clock(_finite(body.seconds, "seconds"), actor="trainer")
    return ok(_clock(w.core))


@router.get("/audit", response_model=list[AuditRow])
def audit_rows(w: deps.World = Depends(deps.world), limit: int = Query(200, ge=1, le=5000),
               severity: Literal["info", "warning", "alert"] | None = None, event: str | None = Query(None, max_length=64)):
    filters: dict[str, Any] = {"limit": limit}
    if severity:
        filters["severity"] = severity
    if event:
        try:
            filters["event"] = AuditEvent(event)
        except ValueError:
            raise InputError(f"There is no audit event named {event}.") from None
    return ok(w.core.audit_recent(**filters))


@router.get("/audit/verify", response_model=AuditVerdict)
def audit_verify(w: deps.World = Depends(deps.world)):
    return ok(w.core.audit_verify())


@router.get("/alerts", response_model=list[AuditRow])
def alerts(w: deps.World = Depends(deps.world), limit: int = Query(200, ge=1, le=5000)):
    return ok(w.core.alerts(limit))


@router.get("/customers", response_model=list[Customer])
def customers(w: deps.World = Depends(deps.world)):
    return ok(w.core.identity.customers())


class SupervisorBody(Body):
    supervisor_id: Int
    pin: Str
    reason: Str = ""


@router.post("/customers/{customer_id}/unlock", response_model=Customer)
def unlock(customer_id: int, body: SupervisorBody, w: deps.World = Depends(deps.world)):
    return ok(w.core.identity.unlock(customer_id, supervisor_id=body.supervisor_id, pin=body.pin))


@router.post("/customers/{customer_id}/freeze", response_model=None)
def freeze(customer_id: int, body: SupervisorBody, w: deps.World = Depends(deps.world)):
    w.core.wallet.freeze(customer_id, supervisor_id=body.supervisor_id, pin=body.pin, reason=body.reason)
    return ok(None)


@router.post("/customers/{customer_id}/unfreeze", response_model=None)
def unfreeze(customer_id: int, body: SupervisorBody, w: deps.World = Depends(deps.world)):
    w.core.wallet.unfreeze(customer_id, supervisor_id=body.supervisor_id, pin=body.pin, reason=body.reason)
    return ok(None)


@router.get("/inbox", response_model=list[Message])
def inbox(w: deps.World = Depends(deps.world), address: str = Query(..., max_length=320)):
    return ok(w.core.inbox(address))


class NewStaff(Body):
    name: Str
    role: Literal["clerk", "supervisor"]
    pin: Str


@router.get("/staff", response_model=list[Staff])
def staff(w: deps.World = Depends(deps.world)):
    return ok(w.core.staff.list())


@router.post("/staff", response_model=Staff, status_code=201)
def add_staff(body: NewStaff, w: deps.World = Depends(deps.world)):
    return ok(w.core.staff.add(body.name, body.role, body.pin), 201)


class NewStore(Body):
    name_ja: Str
    name_en: Str
    registration_no: Str
    address: Str


@router.post("/stores", response_model=Store, status_code=201)
def add_store(body: NewStore, w: deps.World = Depends(deps.world)):
    return ok(w.core.catalog.add_store(**body.model_dump()), 201)


class NewTerminal(Body):
    terminal_id: Str
    store_id: Int
    name: Str = ""


@router.post("/terminals", response_model=TerminalKey, status_code=201)
def add_terminal(body: NewTerminal, w: deps.World = Depends(deps.world)):
    terminal = w.core.catalog.add_terminal(body.terminal_id, store_id=body.store_id, name=body.name)
    return ok(TerminalKey(terminal, auth.issue_terminal_key(w.core, terminal.id)), 201)


@router.post("/terminals/{terminal_id}/key", response_model=TerminalKey)
def new_terminal_key(terminal_id: str, w: deps.World = Depends(deps.world)):
    """A new key for a terminal (the old one stops working): for terminals the demo seeding made."""
    key = auth.issue_terminal_key(w.core, terminal_id)
    return ok(TerminalKey(w.core.catalog.terminal(terminal_id), key))


class NewItem(Body):
    jan: Str
    name_ja: Str
    name_en: Str
    price: deps.Yen
    tax_rate: Literal[8, 10]


@router.post("/catalog/items", response_model=Item, status_code=201)
def add_item(body: NewItem, w: deps.World = Depends(deps.world)):
    return ok(w.core.catalog.add_item(**body.model_dump()), 201)


@dataclass(frozen=True, slots=True)
class ScenarioView:
    name: str
    title: str
    defences: tuple[str, ...]


@router.get("/attacks", response_model=list[ScenarioView])
def attacks(w: deps.World = Depends(deps.world)):
    from shared.attacks import ORDER, SCENARIOS
    return ok([ScenarioView(n, SCENARIOS[n].title, tuple(SCENARIOS[n].stopping)) for n in ORDER])


class RunBody(Body):
    preset: Literal["hardened", "2019"] | None = None
    defences_off: list[Str] | None = None
    sizes: dict[Str, int | float] | None = None  # the scenario's size options (e.g. customers), checked by it


@router.post("/attacks/{scenario}/runs", response_model=dict)
def run_attack(scenario: str, body: RunBody, w: deps.World = Depends(deps.world), lang: Literal["en", "ja"] = "en"):
    """The scenario on its own temporary database and fixed clock (as `qrpay attack`): the world is untouched.
    The result is what `qrpay attack --json` prints, its texts in `lang`."""
    from shared.attacks import run_isolated
    if (body.preset is None) == (body.defences_off is None):
        raise InputError("Give either `preset` or `defences_off`.")
    from shared.attacks import SCENARIOS
    spec = SCENARIOS.get(scenario)
    if spec is None:
        raise InputError(f"There is no scenario named {scenario[:40]}.", code="not_found")
    allowed = {o.name for o in spec.sizes}
    unknown = sorted(set(body.sizes or {}) - allowed)
    if unknown:
        raise InputError(f"{scenario} has no size {unknown[0][:40]}; its sizes: {', '.join(sorted(allowed))}.")
    result = run_isolated(spec, policy=body.preset if body.preset is not None else tuple(body.defences_off),
                          **(body.sizes or {}))
    return ok(result.to_json(lang))


@router.get("/challenges", response_model=list[dict])
def challenge_status(w: deps.World = Depends(deps.world), lang: Literal["en", "ja"] = "en"):
    return ok([s.to_json(lang) for s in challenges.status(w.core)])


@router.post("/challenges/reset", response_model=dict)
def challenge_reset(w: deps.World = Depends(deps.world)):
    return ok({"reset": challenges.reset(w.core)})


routers = (public, router)
