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

This module holds the core's plumbing (calls, sessions, the till's shift, the world's clock, the policy);
each service's client is in its own module: identity.py, wallet.py (wallet, top-ups, codes), till.py (staff,
catalog, sales, refunds, reports), admin.py (the admin token's calls), events.py (the code-status stream),
local_files.py (what this machine keeps per server and world).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.clock import SystemClock
from shared.errors import InputError, PermissionDenied, QrpayError, SessionInvalid
from shared.mailbox import Message
from shared.policy import Policy
from shared.remote.admin import AdminCalls
from shared.remote.base import NotOverServer, not_over_server, path_part
from shared.remote.events import CodeEvents
from shared.remote.identity import RemoteIdentity
from shared.remote.local_files import remote_home, terminal_key_for
from shared.remote.till import RemoteCatalog, RemoteRefunds, RemoteReports, RemoteSales, RemoteStaff
from shared.remote.transport import Transport
from shared.remote.wallet import RemoteCodes, RemoteTopUps, RemoteWallet
from shared.service.codec import decode, encode

CLOCK_REFRESH = 5.0      # seconds between two reads of the world's clock

__all__ = ["RemoteCore", "NotOverServer", "DEFAULT_WORLD", "WorldClock", "tls_verify"]


class _RemoteDb:
    """Stands where `core.db` is: the apps only read `path` (files kept beside the database, e.g. the demo
    link); reads and writes are the server's."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self):
        raise not_over_server("Direct database access")

    write = read

    def user_version(self) -> int:
        raise not_over_server("The schema version")

    def close(self) -> None:
        pass


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


class RemoteCore(AdminCalls):
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
        return f"/worlds/{path_part(self.world)}/{rest}"

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
                raise not_over_server("A custom policy in one call (switch its defences one by one)")
            policy = summary.preset
        return _policy_of(self.call("PUT", "policy", admin=True, json={"preset": policy}))

    def set_defence(self, name: str, on: bool, *, actor: str = "trainer") -> Policy:
        if not isinstance(on, bool):
            raise InputError("A defence is switched on or off (True or False).")
        return _policy_of(self.call("PUT", f"defences/{path_part(name)}", admin=True, json={"on": on}))


    def inbox(self, address: str) -> list[Message]:
        cid = self._emails.get(address)
        token = self.token_of(cid) if cid is not None else None
        if token is not None:
            return self.call("GET", "me/inbox", token=token, returns=list[Message])
        return self.call("GET", "inbox", admin=True, params={"address": address}, returns=list[Message])



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

