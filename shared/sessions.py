"""Sessions of `core.identity`: the live session behind a token (idle and absolute timeouts),
step-up, the list of one's sessions, sign-out and revoking a session.

`SessionKeeping` is mixed into IdentityService (shared/identity.py); `self.core` and
`self._session_factor` come from there. A token is never stored: only its SHA-256. Ending a
session that could act for the customer withdraws their outstanding payment codes in the same
transaction.
"""
from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass

from shared import audit
from shared.audit_events import AuditEvent
from shared.errors import NotFound, SessionInvalid
from shared.policy import Policy
from shared.storage import identity_store as store


@dataclass(frozen=True, slots=True)
class Session:
    token: str          # only non-empty on the Session sign_in returns
    id: int
    customer_id: int
    device: str
    created_at: float
    last_seen_at: float
    step_up_at: float | None


def new_session_token() -> str:
    """A session's bearer token: 256 random bits behind a fixed prefix. The prefix makes a leaked
    token recognisable (log and secret scanners) and means it never begins with "-", which a
    command line would take for an option (`qrpay code issue --session -Yd…` was a usage error)."""
    return "qs_" + secrets.token_urlsafe(32)


def _token_hash(token: object) -> str:
    if not isinstance(token, str) or not token or len(token) > 512:
        raise SessionInvalid("Your session has ended. Sign in again.")
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _session(row: sqlite3.Row, token: str = "") -> Session:
    return Session(token, row["id"], row["customer_id"], row["device"], row["created_at"], row["last_seen_at"],
                   row["step_up_at"])


class SessionKeeping:
    @staticmethod
    def _expiry(row: sqlite3.Row, now: float, policy: Policy) -> str | None:
        if now - row["last_seen_at"] > policy.session_idle_seconds:
            return "idle_timeout"
        if now - row["created_at"] > policy.session_absolute_seconds:
            return "absolute_timeout"
        return None

    def _live_row(self, conn: sqlite3.Connection, token: str, now: float, policy: Policy
                  ) -> tuple[sqlite3.Row, str | None]:
        """The session row of `token` inside a write transaction, its clock-jumped times clamped,
        with why it has expired (None: live). A revoked or unknown token raises SessionInvalid;
        an expired one is ended here (the caller's transaction commits that)."""
        row = store.session_by_token_hash(conn, _token_hash(token))
        if row is None or row["revoked_at"] is not None:
            raise SessionInvalid("Your session has ended. Sign in again.")
        store.clamp_session_times(conn, row["id"], now)
        row = store.session_by_id(conn, row["id"])
        expired = self._expiry(row, now, policy)
        if expired:
            store.revoke_session(conn, row["id"], at=now, reason=expired)
            audit.record(conn, at=now, event=AuditEvent.SESSION_EXPIRED, customer_id=row["customer_id"],
                         session_id=row["id"], reason=expired)
        return row, expired

    def session(self, token: str) -> Session:
        """The live session for `token` (idle and absolute timeouts checked; last_seen touched)."""
        _token_hash(token)
        policy, now = self.core.policy, self.core.now()
        with self.core.db.write() as conn:
            row, expired = self._live_row(conn, token, now, policy)
            if not expired:
                store.touch_session(conn, row["id"], now)
                row = store.session_by_id(conn, row["id"])
        if expired:
            raise SessionInvalid("Your session timed out. Sign in again.", reason=expired)
        return _session(row)

    def step_up(self, token: str, *, totp: str | None = None, recovery_code: str | None = None) -> Session:
        """A fresh second-factor check on a live session (before credential changes, payment codes).
        The attempt is reserved against the account's limits before the code is computed."""
        s = self.session(token)
        now = self.core.now()

        def accept(conn, row, factor):
            store.set_step_up(conn, s.id, now)
            audit.record(conn, at=now, event=AuditEvent.STEP_UP, customer_id=s.customer_id, session_id=s.id,
                         factor=factor.value)
            return store.session_by_id(conn, s.id)
        return _session(self._session_factor(s, totp, recovery_code, purpose="step_up", event=AuditEvent.STEP_UP_FAILED,
                                             then=accept))

    def has_recent_step_up(self, token: str) -> bool:
        s = self.session(token)
        return s.step_up_at is not None and self.core.now() - s.step_up_at <= self.core.policy.step_up_seconds

    def sessions(self, token: str) -> list[Session]:
        s = self.session(token)
        policy, now = self.core.policy, self.core.now()
        with self.core.db.read() as conn:
            rows = store.live_sessions_of(conn, s.customer_id)
        return [_session(r) for r in rows if self._expiry(r, now, policy) is None]

    def _withdraw_codes(self, conn: sqlite3.Connection, customer_id: int, reason: str, now: float) -> int:
        """Every outstanding payment code of the customer is withdrawn in the caller's transaction."""
        return self.core.codes.revoke_all_for_customer(conn, customer_id, reason=reason, at=now)

    def sign_out(self, token: str, *, everywhere: bool = False) -> int:
        """Ends this session (or every session of the customer); returns how many were ended.
        The customer's outstanding payment codes are withdrawn in the same transaction. An expired
        session can end only itself (and withdraws nothing): signing out everywhere needs a live one."""
        _token_hash(token)
        policy, now = self.core.policy, self.core.now()
        with self.core.db.write() as conn:
            row, expired = self._live_row(conn, token, now, policy)
            if expired:
                n = 1
            else:
                reason = "sign_out_everywhere" if everywhere else "sign_out"
                if everywhere:
                    n = store.revoke_sessions_of(conn, row["customer_id"], at=now, reason=reason)
                else:
                    n = store.revoke_session(conn, row["id"], at=now, reason=reason)
                codes = self._withdraw_codes(conn, row["customer_id"], reason, now)
                audit.record(conn, at=now, event=AuditEvent.SESSION_REVOKED, customer_id=row["customer_id"],
                             session_id=row["id"], reason=reason, sessions_revoked=n, payment_codes_revoked=codes)
        if expired and everywhere:
            raise SessionInvalid("Your session timed out, so it cannot sign out other devices. Sign in again.",
                                 reason=expired)
        return n

    def revoke_session(self, token: str, session_id: int) -> None:
        s = self.session(token)
        now = self.core.now()
        if isinstance(session_id, bool) or not isinstance(session_id, int) or not 0 < session_id < 2**63:
            raise NotFound("No such session.")
        with self.core.db.write() as conn:
            target = store.session_by_id(conn, session_id)
            if target is None or target["customer_id"] != s.customer_id:
                raise NotFound("No such session.")
            if store.revoke_session(conn, session_id, at=now, reason="revoked_by_owner"):
                codes = self._withdraw_codes(conn, s.customer_id, "session_revoked", now)
                audit.record(conn, at=now, event=AuditEvent.SESSION_REVOKED, customer_id=s.customer_id,
                             session_id=session_id, by_session_id=s.id, reason="revoked_by_owner",
                             payment_codes_revoked=codes)
