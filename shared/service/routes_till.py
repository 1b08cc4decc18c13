"""The till's calls. A shift is opened with the terminal's key (X-Terminal-Key, issued by the trainer when the
terminal is registered) and the clerk's id and PIN; the shift token then stands for that terminal and clerk on
every call, so a till can only sell, refund and report as itself."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Security

from shared.core import Core
from shared.errors import InputError, InvalidCredentials, PermissionDenied, QrpayError
from shared.receipts import Receipt
from shared.refunds import Refund
from shared.reports import Report
from shared.sales import EntryMethod, Sale
from shared.staff import Staff
from shared.service import auth, deps
from shared.service.app import ok
from shared.service.deps import Body, Int, Str

shifts = APIRouter(prefix="/worlds/{world}/shifts", tags=["till"], responses=deps.ERRORS)
till = APIRouter(prefix="/worlds/{world}/till", tags=["till"], responses=deps.ERRORS)
routers = (shifts, till)


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads receipts, journals and reports: a till's shift (its own terminal only) or the admin (any
    terminal of the world in the path)."""
    world: str
    core: Core
    shift: auth.Shift | None

    def terminal(self, asked: str | None) -> str:
        if self.shift is None:
            if asked is None:
                raise InputError("Name the terminal (terminal_id) whose day to read.")
            return asked
        if asked is not None and asked != self.shift.terminal_id:
            raise PermissionDenied("A till reads its own terminal's day only.")
        return self.shift.terminal_id


async def reader(request: Request, w: deps.World = Depends(deps.world), _cred: object = Security(deps._bearer)) -> Reader:
    """A shift token of this world, else the admin token; a wrong token gets the shift's refusal
    (`shift_invalid`), as before the admin could read here."""
    authorization = request.headers.get("authorization")
    try:
        shift = deps.state(request).shifts.check(w.name, authorization)
    except InvalidCredentials:
        if not deps.state(request).admin.matches(authorization):
            raise
        return Reader(w.name, w.core, None)
    deps.limit_account(request, w.name, f"terminal:{shift.terminal_id}")
    return Reader(w.name, w.core, shift)


class OpenShift(Body):
    terminal_id: Str
    clerk_id: Int
    pin: Str


@shifts.post("", response_model=auth.ShiftView, status_code=201)
def open_shift(request: Request, body: OpenShift, w: deps.World = Depends(deps.world),
               key: str | None = Depends(deps.terminal_key)):
    deps.limit_account(request, w.name, f"terminal:{body.terminal_id}")
    auth.check_terminal_key(w.core, body.terminal_id, key)
    clerk = w.core.staff.verify(body.clerk_id, body.pin)   # throttled and locked by the core (shared/attempts.py)
    return ok(deps.state(request).shifts.open(w.name, body.terminal_id, clerk), 201)


@shifts.delete("/current", response_model=None)
def close_shift(request: Request, t: deps.Till = Depends(deps.till)):
    deps.state(request).shifts.close(t.world, request.headers.get("authorization"))
    return ok(None)


class PayBody(Body):
    sale_id: Str
    code: Str
    lines: list[tuple[Str, Int]]
    entry_method: Literal["camera", "screen", "keyed"] = "keyed"


@till.post("/sales", response_model=Sale)
def pay(request: Request, body: PayBody, t: deps.Till = Depends(deps.till)):
    """Pay with a customer's code (QR text or the 20 digits). A retry with the same sale_id and the same
    request gives the first Sale and charges nothing more; with another request: 409 sale_id_conflict."""
    try:
        sale = t.core.sales.pay(terminal_id=t.shift.terminal_id, clerk_id=t.shift.clerk_id, code=body.code,
                                lines=[tuple(x) for x in body.lines], sale_id=body.sale_id,
                                entry_method=EntryMethod(body.entry_method))
    except QrpayError:
        deps.state(request).changes.bump(t.world)        # a refusal can mark the code (replayed, expired)
        raise
    deps.state(request).changes.bump(t.world)
    return ok(sale)


@till.get("/sales/{sale_id_or_receipt_no}/receipt", response_model=Receipt)
def receipt(sale_id_or_receipt_no: str, r: Reader = Depends(reader)):
    """A shift or the admin (the core reprints any receipt of the store, as at a local till)."""
    return ok(r.core.sales.receipt(sale_id_or_receipt_no))


@till.get("/journal", response_model=list[Sale])
def journal(r: Reader = Depends(reader), business_date: str = Query(..., max_length=10),
            terminal_id: str | None = Query(None, max_length=64)):
    """A shift: its own terminal (terminal_id absent or the same); the admin: the terminal_id named."""
    return ok(r.core.sales.journal(r.terminal(terminal_id), business_date))


class RefundBody(Body):
    sale_id: Str
    lines: list[tuple[Str, Int]] | None = None
    supervisor_id: Int
    pin: Str
    refund_id: Str | None = None


@till.post("/refunds", response_model=Refund, status_code=201)
def refund(request: Request, body: RefundBody, t: deps.Till = Depends(deps.till)):
    result = t.core.refunds.refund(sale_id=body.sale_id, lines=None if body.lines is None else [tuple(x) for x in body.lines],
                                   supervisor_id=body.supervisor_id, pin=body.pin, refund_id=body.refund_id,
                                   terminal_id=t.shift.terminal_id)
    deps.state(request).changes.bump(t.world)
    return ok(result, 201)


@till.get("/reports/x", response_model=Report)
def x_report(r: Reader = Depends(reader), business_date: str = Query(..., max_length=10),
             terminal_id: str | None = Query(None, max_length=64)):
    """A shift: its own terminal; the admin: the terminal_id named."""
    return ok(r.core.reports.x_report(r.terminal(terminal_id), business_date))


@till.get("/reports/z", response_model=Report)
def z_report_get(r: Reader = Depends(reader), business_date: str = Query(..., max_length=10),
                 terminal_id: str | None = Query(None, max_length=64)):
    """The stored Z report as it was closed (404 not_found while the day is open)."""
    return ok(r.core.reports.z_report_get(r.terminal(terminal_id), business_date))


@till.get("/reports/z/closed", response_model=bool)
def is_closed(r: Reader = Depends(reader), business_date: str = Query(..., max_length=10),
              terminal_id: str | None = Query(None, max_length=64)):
    return ok(r.core.reports.is_closed(r.terminal(terminal_id), business_date))


class SupervisorCheck(Body):
    supervisor_id: Int
    pin: Str


@till.post("/supervisor", response_model=Staff)
def require_supervisor(request: Request, body: SupervisorCheck, t: deps.Till = Depends(deps.till)):
    """The till's supervisor area: the supervisor's Staff record when the PIN is right and the role is
    supervisor (403 permission_denied for a clerk); throttled and locked by the core like every PIN."""
    deps.limit_account(request, t.world, f"staff:{body.supervisor_id}")
    return ok(t.core.staff.require_supervisor(body.supervisor_id, body.pin))


class ZBody(Body):
    business_date: Str
    supervisor_id: Int
    pin: Str


@till.post("/reports/z", response_model=Report)
def z_report(body: ZBody, t: deps.Till = Depends(deps.till)):
    return ok(t.core.reports.z_report(t.shift.terminal_id, body.business_date, supervisor_id=body.supervisor_id,
                                      pin=body.pin))


class InspectBody(Body):
    text: Str


@till.post("/codes/inspect", response_model=dict)
def inspect(body: InspectBody, t: deps.Till = Depends(deps.till)):
    return ok(t.core.codes.inspect(body.text))
