"""The wallet's calls: sign-up, sign-in and resets (public, rate limited per address and per e-mail), and
everything a signed-in customer does through their session token: step-up, sessions, balance, history,
top-ups, payment codes and the code's status as a live stream (server-sent events)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from shared.codes import CodeState, CodeStatus, IssuedCode
from shared.errors import NotFound, QrpayError
from shared.identity_base import Customer, Enrollment
from shared.mailbox import Message
from shared.passwords import PasswordProblem
from shared.sales import SaleSummary
from shared.service import deps
from shared.service.app import ok
from shared.service.codec import encode, encode_error
from shared.sessions import Session
from shared.topups import TopUp, TopUpLimits
from shared.wallet import HistoryEntry

public = APIRouter(prefix="/worlds/{world}/identity", tags=["sign-in"], responses=deps.ERRORS)
me = APIRouter(prefix="/worlds/{world}/me", tags=["wallet"], responses=deps.ERRORS)
routers = (public, me)

Str, OptStr, Int, Yen = deps.Str, deps.OptStr, deps.Int, deps.Yen


def _source(request: Request) -> str:
    return "remote"


class Register(deps.Body):
    email: Str
    name: Str
    password: Str


class ConfirmTotp(deps.Body):
    email: Str
    code: Str


class Problems(deps.Body):
    password: Str
    email: OptStr = None


class Factor(deps.Body):   # the second factor where one is asked for: an authenticator code or a recovery code
    totp: OptStr = None
    recovery_code: OptStr = None


class SignIn(Factor):
    email: Str
    password: Str
    device: Str = "remote"


class Email(deps.Body):
    email: Str


class CompleteReset(Factor):
    email: Str
    reset_code: Str
    new_password: Str


@public.post("/register", response_model=Enrollment, status_code=201)
def register(request: Request, body: Register, w: deps.World = Depends(deps.world)):
    deps.limit_account(request, w.name, body.email)
    return ok(w.core.identity.register(body.email, body.name, body.password), 201)


@public.post("/confirm-totp", response_model=None)
def confirm_totp(request: Request, body: ConfirmTotp, w: deps.World = Depends(deps.world)):
    deps.limit_account(request, w.name, body.email)
    w.core.identity.confirm_totp(body.email, body.code)
    return ok(None)


@public.post("/password-problems", response_model=list[PasswordProblem])
def password_problems(body: Problems, w: deps.World = Depends(deps.world)):
    return ok(w.core.identity.password_problems(body.password, body.email))


@public.post("/sign-in", response_model=Session)
def sign_in(request: Request, body: SignIn, w: deps.World = Depends(deps.world)):
    deps.limit_account(request, w.name, body.email)
    return ok(w.core.identity.sign_in(body.email, body.password, totp=body.totp, recovery_code=body.recovery_code,
                                      device=body.device, source=_source(request)))


@public.post("/request-reset", response_model=None)
def request_reset(request: Request, body: Email, w: deps.World = Depends(deps.world)):
    deps.limit_account(request, w.name, body.email)
    w.core.identity.request_reset(body.email, source=_source(request))
    return ok(None)


@public.post("/complete-reset", response_model=None)
def complete_reset(request: Request, body: CompleteReset, w: deps.World = Depends(deps.world)):
    deps.limit_account(request, w.name, body.email)
    w.core.identity.complete_reset(body.email, body.reset_code, body.new_password, totp=body.totp,
                                   recovery_code=body.recovery_code)
    return ok(None)


# -- signed in ---------------------------------------------------------------------------------------
class Totp(deps.Body):
    totp: OptStr = None


class SignOut(deps.Body):
    everywhere: bool = False


class NewPassword(deps.Body):
    new_password: Str
    totp: OptStr = None


class NewEmail(deps.Body):
    new_email: Str
    totp: OptStr = None


class TopUpBody(deps.Body):
    amount: Yen
    card_number: Str
    totp: OptStr = None
    topup_password: OptStr = None
    idempotency_key: OptStr = None


class TopUpPassword(deps.Body):
    new: Str
    totp: OptStr = None


class IssueBody(deps.Body):
    totp: OptStr = None
    amount_cap: Yen | None = None


@dataclass(frozen=True, slots=True)
class Balance:
    balance: int


@dataclass(frozen=True, slots=True)
class Ended:
    ended: int


@me.get("/session", response_model=Session)
def session(c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.session)


@me.get("/sessions", response_model=list[Session])
def sessions(c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.core.identity.sessions(c.token))


@me.post("/step-up", response_model=Session)
def step_up(body: Factor, c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.core.identity.step_up(c.token, totp=body.totp, recovery_code=body.recovery_code))


@me.post("/sign-out", response_model=Ended)
def sign_out(body: SignOut, c: deps.Wallet = Depends(deps.wallet)):
    return ok(Ended(c.core.identity.sign_out(c.token, everywhere=body.everywhere)))


@me.post("/sessions/{session_id}/revoke", response_model=None)
def revoke(session_id: int, c: deps.Wallet = Depends(deps.wallet)):
    c.core.identity.revoke_session(c.token, session_id)
    return ok(None)


@me.get("/customer", response_model=Customer)
def customer(c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.core.identity.customer(c.session.customer_id))


@me.get("/balance", response_model=Balance)
def balance(c: deps.Wallet = Depends(deps.wallet)):
    return ok(Balance(c.core.wallet.balance(c.session.customer_id)))


@me.get("/history", response_model=list[HistoryEntry])
def history(c: deps.Wallet = Depends(deps.wallet), limit: int = Query(100, ge=1, le=1000)):
    return ok(c.core.wallet.history(c.session.customer_id, limit))


@me.get("/inbox", response_model=list[Message])
def inbox(c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.core.inbox(c.core.identity.customer(c.session.customer_id).email))


@me.post("/password", response_model=None)
def change_password(body: NewPassword, c: deps.Wallet = Depends(deps.wallet)):
    c.core.identity.change_password(c.token, body.new_password, totp=body.totp)
    return ok(None)


@me.post("/email", response_model=None)
def change_email(body: NewEmail, c: deps.Wallet = Depends(deps.wallet)):
    c.core.identity.change_email(c.token, body.new_email, totp=body.totp)
    return ok(None)


@me.post("/recovery-codes", response_model=list[str])
def recovery_codes(body: Totp, c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.core.identity.new_recovery_codes(c.token, totp=body.totp))


@me.get("/top-up-limits", response_model=TopUpLimits)
def top_up_limits(c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.core.topups.limits(c.token))


@me.post("/top-up-password", response_model=None)
def top_up_password(body: TopUpPassword, c: deps.Wallet = Depends(deps.wallet)):
    c.core.topups.set_topup_password(c.token, body.new, totp=body.totp)
    return ok(None)


@me.post("/top-ups", response_model=TopUp, status_code=201)
def top_up(body: TopUpBody, c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.core.topups.top_up(c.token, body.amount, body.card_number, totp=body.totp,
                                   topup_password=body.topup_password, idempotency_key=body.idempotency_key), 201)


@me.post("/codes", response_model=IssuedCode, status_code=201)
def issue(body: IssueBody, c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.core.codes.issue(c.token, totp=body.totp, amount_cap=body.amount_cap), 201)


@me.get("/codes/{nonce}", response_model=CodeStatus)
def code_status(nonce: str, c: deps.Wallet = Depends(deps.wallet)):
    return ok(c.core.codes.status(c.token, nonce))


@me.get("/sales/{sale_id}/summary", response_model=SaleSummary)
def sale_summary(sale_id: str, c: deps.Wallet = Depends(deps.wallet)):
    """What the wallet shows for its paid code ("Paid ¥1,234 at <store>"): only a sale this customer paid;
    another customer's sale is not_found, exactly like a sale that does not exist."""
    if c.core.sales.sale(sale_id).customer_id != c.session.customer_id:
        raise NotFound(f"No sale {sale_id}.")
    return ok(c.core.sales.summary(sale_id))


_FINAL = {CodeState.PAID, CodeState.REFUSED, CodeState.EXPIRED, CodeState.SUPERSEDED, CodeState.REVOKED}


@me.get("/codes/{nonce}/events", response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}, "description": "`event: status` per change"}})
async def code_events(request: Request, nonce: str, c: deps.Wallet = Depends(deps.wallet)):
    """Server-sent events: the code's status now, then each change as it happens (a payment through this
    server wakes the stream at once; a payment by another process on the same database, such as the demo's
    till, within `change_tick`; expiry within `stream_poll` seconds). The stream ends after a final state
    (paid, refused, expired, superseded) or when the session ends."""
    return await code_status_stream(request, c.world, c.core, c.token, nonce)


async def code_status_stream(request: Request, world: str, core, token: str, nonce: str,
                             view: Callable[[CodeStatus], Any] | None = None) -> StreamingResponse:
    """The one code-status stream, for the JSON API (bearer token) and the web wallet (its cookie's session):
    `event: status` with the CodeStatus (state, sale_id, amount, store_name, reason, at) now and at each
    change, or what `view` makes of it (run in a worker thread: it may read the database); `event: error`
    with the error envelope if the session ends or the world is reset."""
    first = await run_in_threadpool(core.codes.status, token, nonce)   # refusals answered as JSON errors
    state = deps.state(request)
    counter = {"seen": await run_in_threadpool(core.wallet.change_counter)}

    async def written_elsewhere() -> bool:
        """Another process committed to this world since the last look (a till on the database file)."""
        try:
            now = await run_in_threadpool(core.wallet.change_counter)
        except QrpayError:
            return True                      # let the status read say what went wrong
        moved, counter["seen"] = now != counter["seen"], now
        return moved

    async def shown(status: CodeStatus):
        return encode(status) if view is None else await run_in_threadpool(view, status)

    async def events():
        last = first
        yield _sse("status", await shown(first))
        while last.state not in _FINAL and not await request.is_disconnected():
            await state.changes.wait(world, state.stream_poll, moved=written_elsewhere, tick=state.change_tick)
            try:
                now = await run_in_threadpool(core.codes.status, token, nonce)
            except QrpayError as e:          # the session ended, the world was reset
                yield _sse("error", encode_error(e))
                return
            if now != last:
                last = now
                yield _sse("status", await shown(now))
    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _sse(event: str, data) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


