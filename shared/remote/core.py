"""`RemoteCore`: the payment core on a `qrpay serve` server, with the interface of `shared.core.Core`.

    core = RemoteCore("http://127.0.0.1:8765", world="team-a", admin_token=..., terminal_id="T1")
    core.identity.sign_in(email, password, totp=...)   # the same call, the same Session, the same errors

What the apps and the CLI call on `Core` is here under the same names, returning the same records
(decoded by shared.service.codec) and raising the same QrpayError subclasses (rebuilt from the server's
error envelope). The route table is docs/API.md. Differences the callers never see:

- Who is calling travels in headers: a wallet call uses the session token it is given, a till call the
  shift token opened by `staff.verify` (terminal key + clerk PIN, `POST W/shifts`), an admin call the
  admin token. The records that the core looks up by customer id (`wallet.balance(cid)`) use the session
  token last seen for that customer (this client signed it in or validated it).
- `now()` is the world's clock: read from the server, then followed locally (SystemClock + the server's
  offset), re-read every CLOCK_REFRESH seconds; the client never sends a time of its own.
- `codes.status` is fed by the server's event stream (`GET W/me/codes/{nonce}/events`): the first call
  opens the stream in a thread, later calls read what it delivered (no request), so "Paid" reaches the
  wallet when it happens. `wallet.change_counter()` moves on every event and when the balance moves.
- `sales.pay`: when the reply is lost (the connection breaks after the request was sent), the same
  request with the same sale id is sent again (PAY_RETRIES times); the server's idempotency makes that
  exactly once. If it still cannot be confirmed, PaymentUnconfirmed (retry with the same sale id later).
- What the API does not cover raises NotOverServer (code `not_over_server`), naming the call.
"""
from __future__ import annotations

import json
import logging
import threading
import time as _time_module  # noqa: F401  (monotonic only, for retry pauses; times come from the clock)
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from shared.audit import AuditRow, AuditVerdict
from shared.catalog import Item, Store, Terminal
from shared.clock import SystemClock
from shared.codes import CodeState, CodeStatus, IssuedCode
from shared.errors import InputError, PaymentUnconfirmed, QrpayError
from shared.identity_base import Customer, Enrollment
from shared.mailbox import Message
from shared.passwords import PasswordProblem
from shared.policy import Policy
from shared.receipts import Receipt
from shared.refunds import Refund
from shared.reports import Report
from shared.sales import EntryMethod, Sale, SaleSummary
from shared.service.codec import decode, encode
from shared.sessions import Session
from shared.staff import Staff
from shared.tax import CartTotals
from shared.topups import TopUp, TopUpLimits
from shared.wallet import HistoryEntry
from shared.remote.transport import ServerUnreachable, Transport

log = logging.getLogger(__name__)

CLOCK_REFRESH = 5.0      # seconds between two reads of the world's clock
BALANCE_REFRESH = 2.0    # seconds between two balance reads behind change_counter (refunds have no stream)
PAY_RETRIES = 3
FINAL_STATES = {CodeState.PAID, CodeState.REFUSED, CodeState.EXPIRED, CodeState.SUPERSEDED}


class NotOverServer(QrpayError):
    """A call the server's API does not offer (docs/API.md)."""

    code = "not_over_server"


def _not_over_server(what: str) -> NotOverServer:
    return NotOverServer(f"{what} is not available through the server (see docs/API.md); "
                         "run it on the server's machine with --db.")


def _path(*parts: object) -> str:
    return "/".join(quote(str(p), safe="") for p in parts)


class _RemoteDb:
    """Stands where `core.db` is: the apps only read `path` (files kept beside the database, e.g. the demo
    link); reads and writes are the server's."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self):
        raise _not_over_server("Direct database access")

    write = read

    def user_version(self) -> int:
        raise _not_over_server("The schema version")

    def close(self) -> None:
        pass


class _Service:
    def __init__(self, rc: "RemoteCore") -> None:
        self._rc = rc

    def _call(self, method: str, path: str, *, returns: Any = Any, **kw) -> Any:
        return self._rc.call(method, path, returns=returns, **kw)


# -- identity ---------------------------------------------------------------------------------------
class RemoteIdentity(_Service):
    def password_problems(self, password: object, email: str | None = None) -> list[PasswordProblem]:
        return self._call("POST", "identity/password-problems", json={"password": password, "email": email},
                          returns=list[PasswordProblem])

    def register(self, email: str, name: str, password: str) -> Enrollment:
        return self._call("POST", "identity/register", json={"email": email, "name": name, "password": password},
                          returns=Enrollment)

    def confirm_totp(self, email: str, code: str) -> None:
        self._call("POST", "identity/confirm-totp", json={"email": email, "code": code})

    def sign_in(self, email: str, password: str, *, totp: str | None = None, recovery_code: str | None = None,
                device: str = "default", source: str = "local") -> Session:
        # `source` is what the server sees (the client's address); a client never claims one.
        s = self._call("POST", "identity/sign-in", returns=Session,
                       json={"email": email, "password": password, "totp": totp, "recovery_code": recovery_code,
                             "device": device})
        self._rc.remember_session(s.customer_id, s.token, email)
        return s

    def request_reset(self, email: str, *, send_to: str | None = None, source: str = "local") -> None:
        if send_to is not None:
            raise _not_over_server("A reset sent to another address (--send-to)")
        self._call("POST", "identity/request-reset", json={"email": email})

    def complete_reset(self, email: str, reset_code: str, new_password: str, *, totp: str | None = None,
                       recovery_code: str | None = None) -> None:
        self._call("POST", "identity/complete-reset",
                   json={"email": email, "reset_code": reset_code, "new_password": new_password, "totp": totp,
                         "recovery_code": recovery_code})

    def session(self, token: str) -> Session:
        s = self._call("GET", "me/session", token=token, returns=Session)
        self._rc.remember_session(s.customer_id, token)
        return s

    def sessions(self, token: str) -> list[Session]:
        return self._call("GET", "me/sessions", token=token, returns=list[Session])

    def step_up(self, token: str, *, totp: str | None = None, recovery_code: str | None = None) -> Session:
        return self._call("POST", "me/step-up", token=token, returns=Session,
                          json={"totp": totp, "recovery_code": recovery_code})

    def sign_out(self, token: str, *, everywhere: bool = False) -> int:
        out = self._call("POST", "me/sign-out", token=token, json={"everywhere": everywhere})
        self._rc.forget_token(token)
        return int(out["ended"]) if isinstance(out, dict) else 0

    def revoke_session(self, token: str, session_id: int) -> None:
        self._call("POST", f"me/sessions/{_path(session_id)}/revoke", token=token)

    def customer(self, customer_id: int) -> Customer:
        token = self._rc.token_of(customer_id)
        if token is not None:
            return self._call("GET", "me/customer", token=token, returns=Customer)
        return self._by(lambda c: c.id == customer_id)

    def customer_by_email(self, email: str) -> Customer:
        return self._by(lambda c: c.email == email)

    def customers(self) -> list[Customer]:
        return self._call("GET", "customers", admin=True, returns=list[Customer])

    def _by(self, match) -> Customer:
        from shared.errors import NotFound
        for c in self.customers():
            if match(c):
                return c
        raise NotFound("No such customer.")

    def unlock(self, email_or_customer_id: str | int, *, supervisor_id: int, pin: str) -> Customer:
        cid = email_or_customer_id
        if isinstance(cid, str):
            cid = self.customer_by_email(cid).id
        return self._call("POST", f"customers/{_path(cid)}/unlock", admin=True, returns=Customer,
                          json={"supervisor_id": supervisor_id, "pin": pin})

    def change_password(self, token: str, new_password: str, *, totp: str | None = None) -> None:
        self._call("POST", "me/password", token=token, json={"new_password": new_password, "totp": totp})

    def change_email(self, token: str, new_email: str, *, totp: str | None = None) -> None:
        self._call("POST", "me/email", token=token, json={"new_email": new_email, "totp": totp})

    def new_recovery_codes(self, token: str, *, totp: str | None = None) -> tuple[str, ...]:
        return tuple(self._call("POST", "me/recovery-codes", token=token, json={"totp": totp}, returns=list[str]))

    def begin_totp_reenrol(self, token: str, *, totp: str | None = None) -> Enrollment:
        raise _not_over_server("Changing the authenticator")

    def confirm_totp_reenrol(self, token: str, code: str) -> None:
        raise _not_over_server("Changing the authenticator")

    def has_recent_step_up(self, token: str) -> bool:
        s = self.session(token)
        return s.step_up_at is not None and self._rc.now() - s.step_up_at < self._rc.policy.step_up_seconds

    def authenticator_accounts(self) -> list[tuple[str, str]]:
        """The kiosk's simulated second device: on a server, the demo customers this machine seeded (their
        secrets came back from the admin's seed-demo and were kept 0600 beside `core.db.path`)."""
        try:
            data = json.loads(authenticator_path(self._rc.db.path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [(str(e), str(s)) for e, s in data if isinstance(e, str) and isinstance(s, str)] \
            if isinstance(data, list) else []


# -- staff ------------------------------------------------------------------------------------------
class RemoteStaff(_Service):
    def add(self, name: str, role: str, pin: str) -> Staff:
        return self._call("POST", "staff", admin=True, json={"name": name, "role": role, "pin": pin}, returns=Staff)

    def list(self) -> list[Staff]:
        return self._call("GET", "staff", admin=True, returns=list[Staff])

    def get(self, staff_id: int) -> Staff:
        from shared.errors import NotFound
        for s in self.list():
            if s.id == staff_id:
                return s
        raise NotFound("No such staff member.")

    def verify(self, staff_id: int, pin: str) -> Staff:
        """Opens a shift on this client's terminal (its key + the clerk's PIN): the server checks the PIN
        and every till call after this one acts as that terminal and clerk. The shift reply names the clerk
        (the Staff record), so nothing is guessed here."""
        shift = self._rc.open_shift(staff_id, pin)
        return decode(Staff, shift["clerk"])

    def require_supervisor(self, staff_id: int, pin: str) -> Staff:
        """The till's supervisor area: checked by the server on this till's shift (the same refusals:
        invalid_credentials, permission_denied for a clerk, locked, throttled)."""
        return self._call("POST", "till/supervisor", till=True, json={"supervisor_id": staff_id, "pin": pin},
                          returns=Staff)


# -- wallet, top-ups, codes -------------------------------------------------------------------------
class RemoteWallet(_Service):
    def balance(self, customer_id: int) -> int:
        out = self._call("GET", "me/balance", token=self._rc.need_token(customer_id))
        return int(out["balance"])

    def history(self, customer_id: int, limit: int = 100) -> list[HistoryEntry]:
        return self._call("GET", "me/history", token=self._rc.need_token(customer_id), params={"limit": limit},
                          returns=list[HistoryEntry])

    def change_counter(self) -> int:
        return self._rc.events.change_counter()

    def freeze(self, customer_id: int, *, supervisor_id: int, pin: str, reason: str = "") -> None:
        self._call("POST", f"customers/{_path(customer_id)}/freeze", admin=True,
                   json={"supervisor_id": supervisor_id, "pin": pin, "reason": reason})

    def unfreeze(self, customer_id: int, *, supervisor_id: int, pin: str, reason: str = "") -> None:
        self._call("POST", f"customers/{_path(customer_id)}/unfreeze", admin=True,
                   json={"supervisor_id": supervisor_id, "pin": pin, "reason": reason})


class RemoteTopUps(_Service):
    def top_up(self, token: str, amount: int, card_number: str, *, totp: str | None = None,
               topup_password: str | None = None, idempotency_key: str | None = None) -> TopUp:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("yen are int")
        return self._call("POST", "me/top-ups", token=token, returns=TopUp,
                          json={"amount": amount, "card_number": card_number, "totp": totp,
                                "topup_password": topup_password, "idempotency_key": idempotency_key})

    def limits(self, token: str) -> TopUpLimits:
        return self._call("GET", "me/top-up-limits", token=token, returns=TopUpLimits)

    def set_topup_password(self, token: str, new: str, *, totp: str | None = None) -> None:
        self._call("POST", "me/top-up-password", token=token, json={"new": new, "totp": totp})

    def has_topup_password(self, token: str) -> bool:
        raise _not_over_server("The 2019 top-up password")


class RemoteCodes(_Service):
    def ensure_issuer_key(self) -> str:
        return ""   # the server keeps the issuer key; nothing to do on a client

    def issue(self, token: str, *, totp: str | None = None, amount_cap: int | None = None) -> IssuedCode:
        issued = self._call("POST", "me/codes", token=token, json={"totp": totp, "amount_cap": amount_cap},
                            returns=IssuedCode)
        self._rc.events.watch(token, issued.nonce)
        return issued

    def status(self, token: str, nonce: str) -> CodeStatus:
        seen = self._rc.events.latest(token, nonce)
        if seen is not None:
            return seen
        status = self._call("GET", f"me/codes/{_path(nonce)}", token=token, returns=CodeStatus)
        if status.state not in FINAL_STATES:
            self._rc.events.watch(token, nonce)
        return status

    def inspect(self, text: str | bytes) -> dict[str, Any]:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return self._call("POST", "till/codes/inspect", till=True, json={"text": text}, returns=dict[str, Any])


# -- catalog, sales, refunds, reports ----------------------------------------------------------------
class RemoteCatalog(_Service):
    def items(self) -> list[Item]:
        return self._call("GET", "catalog/items", returns=list[Item])

    def item(self, jan: str) -> Item:
        return self._call("GET", f"catalog/items/{_path(jan)}", returns=Item)

    def search(self, text: str) -> list[Item]:
        return self._call("GET", "catalog/search", params={"text": text}, returns=list[Item])

    def store(self, store_id: int | None = None) -> Store:
        if store_id is not None:
            raise _not_over_server("A store by id")
        return self._call("GET", "catalog/store", returns=Store)

    def terminals(self) -> list[Terminal]:
        return self._call("GET", "catalog/terminals", returns=list[Terminal])

    def terminal(self, terminal_id: str) -> Terminal:
        from shared.errors import NotFound
        for t in self.terminals():
            if t.id == terminal_id:
                return t
        raise NotFound(f"No terminal {terminal_id!r}.")

    def has_store(self) -> bool:
        from shared.errors import NotFound
        try:
            self.store()
        except NotFound:
            return False
        return True


class RemoteSales(_Service):
    def quote(self, lines: object) -> CartTotals:
        return self._call("POST", "quote", json={"lines": _lines(lines)}, returns=CartTotals)

    def pay(self, *, terminal_id: str, clerk_id: int, code: str, lines: object, sale_id: str,
            entry_method: EntryMethod | str = EntryMethod.KEYED) -> Sale:
        self._rc.check_shift(terminal_id, clerk_id)
        entry = entry_method.value if isinstance(entry_method, EntryMethod) else entry_method
        body = {"sale_id": sale_id, "code": code, "lines": _lines(lines), "entry_method": entry}
        last: ServerUnreachable | None = None
        for attempt in range(1 + PAY_RETRIES):
            if attempt:
                self._rc.pause(0.2 * attempt)
            try:
                return self._call("POST", "till/sales", till=True, json=body, returns=Sale)
            except ServerUnreachable as e:   # sent or not: the same sale id again is charged at most once
                last = e
                log.warning("payment %s: %s (attempt %d)", sale_id, e.message, attempt + 1)
        raise PaymentUnconfirmed("The server did not confirm the payment (" + (last.message if last else "") +
                                 ") Scan again when it is back: the same sale is never charged twice.",
                                 code="payment_unconfirmed")

    def receipt(self, sale_id_or_receipt_no: str) -> Receipt:
        return self._call("GET", f"till/sales/{_path(sale_id_or_receipt_no)}/receipt", reader=True, returns=Receipt)

    def journal(self, terminal_id: str, business_date: str) -> list[Sale]:
        return self._call("GET", "till/journal", reader=terminal_id, returns=list[Sale],
                          params={"business_date": business_date, "terminal_id": terminal_id})

    def summary(self, sale_id: str) -> SaleSummary:
        """The wallet's "Paid ¥… at <store>": with the session of the customer who paid (the one this client
        signed in last; another customer's sale is not_found)."""
        token = self._rc.last_token()
        if token is None:
            from shared.errors import SessionInvalid
            raise SessionInvalid("Sign in first: through the server a wallet reads its own sales only.")
        return self._call("GET", f"me/sales/{_path(sale_id)}/summary", token=token, returns=SaleSummary)

    def sale(self, sale_id: str) -> Sale:
        raise _not_over_server("A sale by id")


class RemoteRefunds(_Service):
    def refund(self, *, sale_id: str, lines: object = None, supervisor_id: int, pin: str,
               refund_id: str | None = None, terminal_id: str | None = None) -> Refund:
        self._rc.shift_for_supervisor(terminal_id, supervisor_id, pin)
        return self._call("POST", "till/refunds", till=True, returns=Refund,
                          json={"sale_id": sale_id, "lines": None if lines is None else _lines(lines),
                                "supervisor_id": supervisor_id, "pin": pin, "refund_id": refund_id})


class RemoteReports(_Service):
    def x_report(self, terminal_id: str, business_date: str) -> Report:
        return self._call("GET", "till/reports/x", reader=terminal_id, returns=Report,
                          params={"business_date": business_date, "terminal_id": terminal_id})

    def z_report(self, terminal_id: str, business_date: str, *, supervisor_id: int, pin: str) -> Report:
        self._rc.shift_for_supervisor(terminal_id, supervisor_id, pin)
        self._rc.check_shift(terminal_id)
        return self._call("POST", "till/reports/z", till=True, returns=Report,
                          json={"business_date": business_date, "supervisor_id": supervisor_id, "pin": pin})

    def z_report_get(self, terminal_id: str, business_date: str) -> Report:
        return self._call("GET", "till/reports/z", reader=terminal_id, returns=Report,
                          params={"business_date": business_date, "terminal_id": terminal_id})

    def is_closed(self, terminal_id: str, business_date: str) -> bool:
        return bool(self._call("GET", "till/reports/z/closed", reader=terminal_id, returns=bool,
                               params={"business_date": business_date, "terminal_id": terminal_id}))


def _lines(lines: object) -> list:
    """The cart as the wire has it: [[jan, qty], …] (the core checks the values)."""
    if isinstance(lines, dict):
        lines = list(lines.items())
    try:
        return [list(line) for line in lines]  # type: ignore[union-attr]
    except TypeError:
        raise InputError("The cart is a list of (JAN, quantity) lines.") from None


# -- the event stream ------------------------------------------------------------------------------
class CodeEvents:
    """One thread per code being watched, reading `GET W/me/codes/{nonce}/events` (server-sent events);
    the latest CodeStatus of each, and a counter that moves on every event (and when a watched
    customer's balance moves: refunds have no stream)."""

    def __init__(self, rc: "RemoteCore") -> None:
        self._rc = rc
        self._lock = threading.Lock()
        self._latest: dict[str, CodeStatus] = {}
        self._live: dict[str, threading.Thread] = {}
        self._counter = 0
        self._balance_seen: dict[int, int] = {}
        self._balance_at = float("-inf")
        self._closed = threading.Event()

    def latest(self, token: str, nonce: str) -> CodeStatus | None:
        with self._lock:
            live = nonce in self._live
            status = self._latest.get(nonce)
        if status is not None and (live or status.state in FINAL_STATES):
            return status
        return None   # no stream (it broke, or never opened): the caller asks the server

    def watch(self, token: str, nonce: str) -> None:
        with self._lock:
            if nonce in self._live or self._closed.is_set():
                return
            t = threading.Thread(target=self._follow, args=(token, nonce), daemon=True, name=f"code-events-{nonce[:8]}")
            self._live[nonce] = t
        t.start()

    def _follow(self, token: str, nonce: str) -> None:
        rc = self._rc
        try:
            with rc.transport.client().stream("GET", rc.world_path(f"me/codes/{_path(nonce)}/events"),
                                              headers={**rc.transport.headers(token=token),
                                                       "Accept": "text/event-stream"},
                                              timeout=httpx.Timeout(None, connect=rc.transport.connect_timeout)) as r:
                if r.status_code != 200:
                    log.warning("event stream for a code refused: HTTP %s", r.status_code)
                    return
                rc.transport.note_reached()
                data: list[str] = []
                event = "message"
                for line in r.iter_lines():
                    if self._closed.is_set():
                        return
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif line == "" and data:
                        body, data, kind, event = json.loads("\n".join(data)), [], event, "message"
                        if kind == "error":      # the session ended, the world was reset: ask again by GET
                            log.info("event stream for a code refused: %s", body.get("error", {}).get("code"))
                            return
                        status = decode(CodeStatus, body)
                        with self._lock:
                            self._latest[nonce] = status
                            self._counter += 1
                        if status.state in FINAL_STATES:
                            return
        except (httpx.HTTPError, OSError, ValueError, QrpayError) as e:
            if not self._closed.is_set():
                log.warning("event stream for a code ended: %s", type(e).__name__)
                if isinstance(e, (httpx.TransportError, OSError)):
                    rc.transport.note_lost()
        finally:
            with self._lock:
                self._live.pop(nonce, None)

    def change_counter(self) -> int:
        rc = self._rc
        now = SystemClock().now()
        if now - self._balance_at >= BALANCE_REFRESH:
            self._balance_at = now
            for cid, token in rc.known_sessions():
                try:
                    balance = rc.wallet.balance(cid)
                except QrpayError:
                    continue
                with self._lock:
                    if self._balance_seen.get(cid, balance) != balance:
                        self._counter += 1
                    self._balance_seen[cid] = balance
        with self._lock:
            return self._counter

    def close(self) -> None:
        self._closed.set()


# -- the core -------------------------------------------------------------------------------------
class WorldClock:
    """`core.clock` on a server: the world's simulated clock (a shared.clock.Clock); moved only by the admin
    (`core.set_simulated_time` / `advance_clock`)."""

    def __init__(self, rc: "RemoteCore") -> None:
        self._rc = rc

    def now(self) -> float:
        return self._rc.now()


@dataclass
class _Shift:
    token: str
    terminal_id: str
    clerk_id: int


class RemoteCore:
    def __init__(self, url: str, *, world: str | None = None, admin_token: str | None = None,
                 terminal_id: str | None = None, terminal_key: str | None = None,
                 transport: Transport | None = None, cacert: str | None = None) -> None:
        self.transport = transport or Transport(url, admin_token=admin_token, verify=tls_verify(cacert))
        self.url = self.transport.url
        self.world = world or DEFAULT_WORLD
        self.terminal_id = terminal_id
        self._terminal_key = terminal_key
        self._shift: _Shift | None = None
        self._sessions: dict[int, str] = {}     # customer id -> the session token last seen for it
        self._emails: dict[str, int] = {}
        self._lock = threading.Lock()
        self._offset: float | None = None
        self._offset_at = float("-inf")
        self.db = _RemoteDb(remote_home(self.url, self.world) / "world.sqlite3")
        self.clock = WorldClock(self)
        self.identity = RemoteIdentity(self)
        self.staff = RemoteStaff(self)
        self.wallet = RemoteWallet(self)
        self.topups = RemoteTopUps(self)
        self.codes = RemoteCodes(self)
        self.catalog = RemoteCatalog(self)
        self.sales = RemoteSales(self)
        self.refunds = RemoteRefunds(self)
        self.reports = RemoteReports(self)
        self.events = CodeEvents(self)

    # -- plumbing -----------------------------------------------------------------------------------
    def world_path(self, rest: str) -> str:
        return f"/worlds/{_path(self.world)}/{rest}"

    def call(self, method: str, path: str, *, returns: Any = Any, token: str | None = None, admin: bool = False,
             till: bool = False, reader: bool | str = False, world: bool = True, json: Any = None,
             params: dict | None = None) -> Any:
        if reader:      # receipts, journals, reports (reader = the terminal read, or True): the shift, else the admin
            shift = self._shift
            if shift is not None and (reader is True or reader == shift.terminal_id):
                till = True
            elif self.transport.admin_token:
                admin = True
            elif shift is not None:
                self.check_shift(str(reader))          # another terminal's day: PermissionDenied, as on the server
            else:
                till = True                            # shift_required below
        if till:
            if self._shift is None:
                raise QrpayError("Sign a clerk in on this till first (a shift opened with the terminal key).",
                                 code="shift_required")
            token = self._shift.token
        if json is not None:
            json = encode({k: v for k, v in json.items() if v is not None})
        data = self.transport.call(method, self.world_path(path) if world else path, json=json, params=params,
                                   token=token, admin=admin)
        return data if returns is Any else decode(returns, data)

    def ping(self) -> None:
        self.transport.call("GET", "/health", quick=True)

    def pause(self, seconds: float) -> None:
        threading.Event().wait(seconds)

    def close(self) -> None:
        self.events.close()
        self.transport.close()

    def remember_session(self, customer_id: int, token: str, email: str | None = None) -> None:
        if token:
            with self._lock:
                self._sessions[customer_id] = token
                if email:
                    self._emails[email] = customer_id

    def forget_token(self, token: str) -> None:
        with self._lock:
            for cid in [c for c, t in self._sessions.items() if t == token]:
                del self._sessions[cid]

    def token_of(self, customer_id: int) -> str | None:
        with self._lock:
            return self._sessions.get(customer_id)

    def need_token(self, customer_id: int) -> str:
        token = self.token_of(customer_id)
        if token is None:
            from shared.errors import SessionInvalid
            raise SessionInvalid("Sign in first: through the server a wallet acts with its own session only.")
        return token

    def last_token(self) -> str | None:
        with self._lock:
            return next(reversed(self._sessions.values()), None)

    def known_sessions(self) -> list[tuple[int, str]]:
        with self._lock:
            return list(self._sessions.items())

    # -- the till's shift ---------------------------------------------------------------------------
    def terminal_key(self) -> str:
        """$QRPAY_TERMINAL_KEY, or the key this machine saved for the terminal, or (the trainer's machine, with
        the admin token) a key issued now and saved (0600) for the next commands."""
        key = self._terminal_key or terminal_key_for(self.url, self.world, self.terminal_id or "")
        if not key and self.transport.admin_token and self.terminal_id:
            key = self.issue_terminal_key(self.terminal_id)
        if not key:
            raise QrpayError(f"This till has no terminal key for {self.terminal_id}: set QRPAY_TERMINAL_KEY (given "
                             "when the terminal was registered, or saved by `qrpay --server … seed-demo`).",
                             code="terminal_key_missing")
        return key

    def open_shift(self, clerk_id: int, pin: str) -> dict:
        if not self.terminal_id:
            raise QrpayError("Name the terminal (--terminal) to open a shift through the server.",
                             code="terminal_required")
        data = self.transport.call("POST", self.world_path("shifts"), headers={"X-Terminal-Key": self.terminal_key()},
                                   json=encode({"terminal_id": self.terminal_id, "clerk_id": clerk_id, "pin": pin}))
        self._shift = _Shift(token=str(data["token"]), terminal_id=str(data["terminal_id"]),
                             clerk_id=int(data["clerk_id"]))
        return data

    def shift_for_supervisor(self, terminal_id: str | None, supervisor_id: int, pin: str) -> None:
        """A call that carries a supervisor's PIN (refund, Z report) on a client with no shift open (the CLI):
        the supervisor opens one on the terminal named (or this client's, or the store's first)."""
        if self._shift is not None and (terminal_id is None or self._shift.terminal_id == terminal_id):
            return
        self.terminal_id = terminal_id or self.terminal_id or self.catalog.terminals()[0].id
        self.open_shift(supervisor_id, pin)

    def check_shift(self, terminal_id: str, clerk_id: int | None = None) -> None:
        shift = self._shift
        if shift is None:
            raise QrpayError("Through the server this needs a till's shift (the terminal key and a clerk's PIN): "
                             "sign a clerk in first, or pay/refund with --clerk/--supervisor and the PIN.",
                             code="shift_required")
        if terminal_id != shift.terminal_id or (clerk_id is not None and clerk_id != shift.clerk_id):
            from shared.errors import PermissionDenied
            raise PermissionDenied("This till's shift is for another terminal or clerk.")

    # -- the world's clock --------------------------------------------------------------------------
    def _clock(self) -> dict:
        data = self.call("GET", "clock")
        with self._lock:
            self._offset = float(data["now"]) - SystemClock().now()
            self._offset_at = SystemClock().now()
        return data

    def now(self) -> float:
        local = SystemClock().now()
        if self._offset is None or local - self._offset_at >= CLOCK_REFRESH:
            try:
                self._clock()
            except QrpayError:
                if self._offset is None:
                    raise
        return SystemClock().now() + (self._offset or 0.0)

    def clock_offset(self) -> float:
        return float(self._clock()["offset"])

    def set_clock_offset(self, seconds: float, *, actor: str = "trainer") -> None:
        self.call("POST", "clock/set", admin=True, json={"offset": float(seconds)})
        self._offset = None

    def set_simulated_time(self, t: float, *, actor: str = "trainer") -> None:
        self.call("POST", "clock/set", admin=True, json={"at": float(t)})
        self._offset = None

    def advance_clock(self, seconds: float, *, actor: str = "trainer") -> None:
        self.call("POST", "clock/advance", admin=True, json={"seconds": float(seconds)})
        self._offset = None

    # -- policy -------------------------------------------------------------------------------------
    @property
    def policy(self) -> Policy:
        return _policy_of(self.call("GET", "policy"))

    def set_policy(self, policy: "str | Policy", *, actor: str = "trainer") -> Policy:
        from shared import defences
        if isinstance(policy, Policy):
            summary = defences.describe(policy)
            if summary.preset is None:
                raise _not_over_server("A custom policy in one call (switch its defences one by one)")
            policy = summary.preset
        return _policy_of(self.call("PUT", "policy", admin=True, json={"preset": policy}))

    def set_defence(self, name: str, on: bool, *, actor: str = "trainer") -> Policy:
        if not isinstance(on, bool):
            raise InputError("A defence is switched on or off (True or False).")
        return _policy_of(self.call("PUT", f"defences/{_path(name)}", admin=True, json={"on": on}))

    # -- audit and mailbox --------------------------------------------------------------------------
    def audit_recent(self, **filters) -> list[AuditRow]:
        params = {k: (v.value if hasattr(v, "value") else v) for k, v in filters.items() if v is not None}
        return self.call("GET", "audit", admin=True, params=params, returns=list[AuditRow])

    def alerts(self, limit: int = 200) -> list[AuditRow]:
        return self.call("GET", "alerts", admin=True, params={"limit": limit}, returns=list[AuditRow])

    def audit_verify(self) -> AuditVerdict:
        return self.call("GET", "audit/verify", admin=True, returns=AuditVerdict)

    def inbox(self, address: str) -> list[Message]:
        cid = self._emails.get(address)
        token = self.token_of(cid) if cid is not None else None
        if token is not None:
            return self.call("GET", "me/inbox", token=token, returns=list[Message])
        return self.call("GET", "inbox", admin=True, params={"address": address}, returns=list[Message])

    # -- worlds and seeding (admin) -------------------------------------------------------------------
    def worlds(self) -> list[dict]:
        return self.call("GET", "/worlds", world=False, admin=True)

    def create_world(self, name: str) -> dict:
        return self.call("POST", "/worlds", world=False, admin=True, json={"name": name})

    # -- challenges (admin): the score board's reads, over the API (`challenges.status` reads the database) --
    def challenge_states(self) -> list:
        """Every challenge with its state in this world (the server detects new solves), as
        `shared.challenges.status` gives them in-process."""
        from shared import challenges
        from shared.clock import parse_iso
        out = []
        for row in self.call("GET", "challenges", admin=True):
            c = challenges.CHALLENGES.get(row.get("id"))
            if c is not None:
                at = row.get("solved_at")
                out.append(challenges.ChallengeState(c, parse_iso(at) if at else None, row.get("evidence")))
        return out

    def reset_challenges(self) -> int:
        """Forget every solve in this world (admin), as `shared.challenges.reset`; how many were forgotten."""
        return int(self.call("POST", "challenges/reset", admin=True)["reset"])

    def world_summary(self, name: str) -> dict:
        """The classroom view's row for one world (admin): solved, alerts, newest alert, last activity, policy."""
        return self.call("GET", f"/worlds/{_path(name)}/summary", world=False, admin=True)

    def reset_world(self, name: str) -> dict:
        return self.call("POST", f"/worlds/{_path(name)}/reset", world=False, admin=True)

    def delete_world(self, name: str) -> None:
        self.call("DELETE", f"/worlds/{_path(name)}", world=False, admin=True)

    def issue_terminal_key(self, terminal_id: str) -> str:
        """A new key for a registered terminal (admin; the old key stops working), saved on this machine."""
        out = self.call("POST", f"terminals/{_path(terminal_id)}/key", admin=True)
        key = str(out["key"])
        save_terminal_keys(self.url, self.world, {terminal_id: key})
        return key

    def seed_demo(self) -> dict:
        """The demo data in this world (admin), and the key the server issued for each of its terminals with
        the seeding (saved 0600 on this machine and shown with the demo accounts, for the tills on other
        machines: QRPAY_TERMINAL_KEY)."""
        from shared.demo_data import save_credentials
        out = self.call("POST", "seed-demo", admin=True)
        if isinstance(out, dict):
            keys = out.get("terminal_keys")
            if isinstance(keys, dict) and keys:       # issued by the server with the seeding: saved, never re-issued
                save_terminal_keys(self.url, self.world, {str(k): str(v) for k, v in keys.items()})
            else:                                     # an older server: issue them now
                out["terminal_keys"] = {t.id: self.issue_terminal_key(t.id) for t in self.catalog.terminals()}
            # what `qrpay demo` keeps beside a local database: the demo accounts (the apps' autoplay and
            # screenshot hooks read them) and, for the kiosk authenticator, the customers' TOTP secrets
            save_credentials(self.db.path, out)
            _write_private(authenticator_path(self.db.path),
                           [[c["email"], c["totp_secret"]] for c in out.get("customers", []) if c.get("totp_secret")])
        return out


DEFAULT_WORLD = "default"
CACERT_ENV = "QRPAY_SERVER_CACERT"


def tls_verify(cacert: str | None = None):
    """What an https:// server is checked against: the system's CAs, or (`--cacert FILE`, else
    $QRPAY_SERVER_CACERT) the one certificate given, e.g. the self-signed one `qrpay serve --tls` generated
    (trusted alone: the system's CAs are then not consulted). Verification is never switched off."""
    import os
    import ssl
    path = cacert or os.environ.get(CACERT_ENV, "").strip() or None
    if path is None:
        return True
    try:
        return ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError, ValueError) as e:
        raise QrpayError(f"The server certificate {str(path)[:200]!r} cannot be read as PEM ({type(e).__name__}).",
                         code="bad_cacert") from None


def _policy_of(view: dict) -> Policy:
    from shared import defences
    from shared.policy import policy_named
    if not isinstance(view, dict):
        raise QrpayError("The server's policy reply has no name.", code="server_error")
    preset = view.get("preset")
    if preset:
        return policy_named(preset)
    return defences.policy_with_off(view.get("off") or ())


# -- files kept on this machine, per server and world -----------------------------------------------
def remote_home(url: str, world: str) -> Path:
    """<config dir>/remote/<host_port>/<world>/: what this machine keeps about a server's world (terminal
    keys saved by seed-demo, 0600). Never created until something is saved."""
    from shared.audit_key import config_dir
    host = httpx.URL(url).host or "server"
    port = httpx.URL(url).port or (443 if url.startswith("https") else 80)
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in f"{host}_{port}")
    world_safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in world)
    return config_dir() / "remote" / safe / world_safe


def authenticator_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".authenticator.json")


def _write_private(path: Path, data: Any) -> None:
    """JSON written 0600 in a 0700 folder, replaced atomically."""
    import os
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(tmp, path)


def save_terminal_keys(url: str, world: str, keys: dict[str, str]) -> None:
    path = remote_home(url, world) / "terminal-keys.json"
    old = {}
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    if not isinstance(old, dict):
        old = {}
    old.update(keys)
    _write_private(path, old)


def terminal_key_for(url: str, world: str, terminal_id: str) -> str | None:
    import os
    env = os.environ.get("QRPAY_TERMINAL_KEY")
    if env:
        return env.strip()
    path = remote_home(url, world) / "terminal-keys.json"
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = keys.get(terminal_id) if isinstance(keys, dict) else None
    return key if isinstance(key, str) else None
