"""Sign-in limits of `core.identity`: every attempt is reserved before its secret is compared,
delays grow, accounts lock, and a credential-stuffing wave is detected and slowed down.

`SignInThrottle` stands on its own: IdentityService (shared/identity.py) owns one and calls
`reserve` before a comparison and `settle_failure` after a wrong one; it needs nothing of
identity (the owner's notices come from shared/notices.py). Per-secret limits of staff PINs and
the 2019 top-up password are the pure shared/attempts.py.

The rule: an attempt is RESERVED (a pending `login_failures` row, counted as a failure) in the
same write transaction that checks the limits, BEFORE the expensive comparison (Argon2, TOTP,
recovery-code hash) runs; a second transaction settles it (a success deletes the row). So N
concurrent attempts, from several tills or processes on one database, never get more
comparisons than the limits allow. Failures are counted per account *key* (the e-mail as typed),
so an unknown e-mail is throttled and locked exactly like a known one.

Limits (NIST SP 800-63B §5.2.2): growing delays after `delay_after_failures`, a lock after
`lock_after_failures`, never more than `max_failures_per_hour`; every delay and lock clamped to
[0, policy.max_lock_seconds]; times recorded "in the future" (the clock was set back) are
rewritten to now; nothing sleeps. A stuffing wave (failures on `stuffing_threshold` different
accounts within the window) writes one `stuffing_alert` and, while it lasts, admits one sign-in
per STUFFING_SPACING_SECONDS in all: the `source` label comes from the caller, so it earns no trust.
"""
from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

from shared import audit
from shared.audit_events import AuditEvent
from shared.clock import to_iso, wait_words
from shared.errors import Locked, QrpayError, Throttled
from shared.mailbox import MessageKind
from shared.identity_base import HOUR
from shared.notices import notice, notify_once
from shared.texts import Text
from shared.policy import Policy
from shared.storage import identity_store as store

MAX_DELAY_SECONDS = 300
STUFFING_SPACING_SECONDS = 5


@dataclass(frozen=True, slots=True)
class _Attempt:
    """An attempt reserved (counted) before its secret was compared."""
    id: int
    key: str
    customer_id: int | None
    source: str
    device: str | None
    n: int              # the account's consecutive failures, this attempt included


def _cap(seconds: float, policy: Policy) -> float:
    """Any wait or lock, clamped to [0, policy.max_lock_seconds] whatever the clock did."""
    return float(min(max(0.0, seconds), max(0, policy.max_lock_seconds)))


def _delay(failures: int, policy: Policy) -> float:
    """Seconds to wait after `failures` consecutive failures: 1, 2, 4, … capped."""
    return float(min(MAX_DELAY_SECONDS, 2 ** max(0, failures - policy.delay_after_failures)))


class SignInThrottle:
    """Reserve first, compare after: the attempt limits of sign-in, sign-up, enrolment and step-up."""

    def __init__(self, core) -> None:
        self.core = core

    def reserve(self, key: str, *, source: str, device: str | None, kind: str, lookup: bool = False,
                customer_id: int | None = None, stuffing: bool = True) -> tuple["_Attempt", sqlite3.Row | None]:
        """In ONE write transaction: clamp clock-jumped times, check the limits, and count this
        attempt as a failure (a pending row) before anything secret is compared. Concurrent
        attempts therefore never get more comparisons than the limits allow. Raises Throttled /
        Locked (the same for known and unknown accounts: the key is the address as typed)."""
        policy, now = self.core.policy, self.core.now()
        refusal: QrpayError | None = None
        row = None
        with self.core.db.write() as conn:
            refusal = self._verdict(conn, key, now, policy, stuffing=stuffing)
            if refusal is None:
                if lookup:
                    row = store.customer_by_email(conn, key)
                    customer_id = row["id"] if row is not None else None
                attempt_id, n = store.reserve_attempt(conn, account_key=key, customer_id=customer_id,
                                                      source=source, kind=kind, at=now)
                if policy.throttle_logins and 0 < policy.lock_after_failures <= n:
                    store.set_locked_until(conn, key, now + _cap(policy.lock_seconds, policy))
                store.note_source_attempt(conn, source, now, success=False)
        if refusal is not None:
            raise refusal
        return _Attempt(attempt_id, key, customer_id, source, device, n), row

    def _verdict(self, conn: sqlite3.Connection, key: str, now: float, policy: Policy, *,
                 stuffing: bool) -> QrpayError | None:
        """Why an attempt on `key` must wait now (None: it may go ahead). Times recorded "in the
        future" are first rewritten to now, and every wait is clamped to [0, max_lock_seconds]."""
        if not policy.throttle_logins:
            return None
        store.clamp_account_times(conn, key, now, max(0, policy.max_lock_seconds))
        if stuffing and policy.stuffing_window_seconds > 0:
            # While a stuffing wave lasts, every sign-in waits its turn, whatever --source it claims:
            # a source label comes from the caller, so it proves nothing.
            store.clamp_stuffing_state(conn, now, policy.stuffing_window_seconds)
            wave = store.stuffing_state(conn)
            if wave is not None and wave["active_until"] is not None and wave["active_until"] > now:
                store.clamp_recent_failures(conn, now)
                last = store.latest_attempt_at(conn, wave["wave_started"])
                if last is not None:
                    wait = _cap(last + STUFFING_SPACING_SECONDS - now, policy)
                    if wait > 0:
                        return Throttled("Many sign-ins are failing right now, so sign-ins are slowed down. "
                                         f"Try again in {wait_words(wait)}.", retry_after=math.ceil(wait))
        state = store.throttle_state(conn, key)
        if state is not None and state["locked_until"] is not None and state["locked_until"] > now:
            return self._locked(now + _cap(state["locked_until"] - now, policy), now)
        if policy.max_failures_per_hour > 0:
            recent = store.failures_of_account_since(conn, key, now - HOUR)
            if len(recent) >= policy.max_failures_per_hour:
                # Locked until enough of the last hour's failures age out to allow one more.
                oldest = recent[len(recent) - policy.max_failures_per_hour]
                return self._locked(now + _cap(oldest + HOUR - now, policy), now)
        if state is not None and 0 < policy.delay_after_failures <= state["consecutive_failures"]:
            wait = _cap(state["last_failure_at"] + _delay(state["consecutive_failures"], policy) - now, policy)
            if wait > 0:
                return Throttled(f"Too many failed sign-ins. Try again in {wait_words(wait)}.",
                                 retry_after=math.ceil(wait))
        return None

    @staticmethod
    def _locked(until: float, now: float) -> Locked:
        return Locked(f"Too many failed sign-ins: the account is locked for {wait_words(until - now)} more. "
                      "Try again later, reset your password or ask a supervisor.", until=until)

    def settle_failure(self, conn: sqlite3.Connection, attempt: "_Attempt", *, kind: str, reason: str,
                       error: Exception, event: AuditEvent = AuditEvent.LOGIN_FAILED, severity: str = "info",
                       notify: "dict[str, Text] | None" = None) -> Exception:
        """A reserved attempt failed: inside `conn`, it stays counted (with what failed), is audited,
        the owner is told (at most one such notice an hour), a lock it reached is audited, and the
        stuffing detector looks. Returns the error to raise after the commit (Locked when this
        attempt reached the lock)."""
        policy, now = self.core.policy, self.core.now()
        n, cid = attempt.n, attempt.customer_id
        store.settle_failed_attempt(conn, attempt.id, kind=kind)
        audit.record(conn, at=now, event=event, severity=severity, customer_id=cid, reason=reason,
                     source=attempt.source, device=attempt.device, consecutive_failures=n)
        if notify is not None and cid is not None:
            notify_once(conn, cid, at=now, subject=notify["subject"], body=notify["body"], kind=MessageKind.SECURITY)
        if policy.throttle_logins and policy.lock_after_failures > 0 and n >= policy.lock_after_failures:
            until = now + _cap(policy.lock_seconds, policy)
            audit.record(conn, at=now, event=AuditEvent.LOCKOUT, severity="alert", customer_id=cid,
                         consecutive_failures=n, until=until, source=attempt.source)
            if cid is not None:
                notify_once(conn, cid, at=now, kind=MessageKind.SECURITY,
                            **notice("account_locked", n=n, until=to_iso(until), until_at=until))
            self._detect_stuffing(conn, now, policy)
            return self._locked(until, now)
        self._detect_stuffing(conn, now, policy)
        if policy.throttle_logins and 0 < policy.delay_after_failures <= n and isinstance(error, QrpayError):
            error.details.setdefault("retry_after", math.ceil(_cap(_delay(n, policy), policy)))
        return error

    def _detect_stuffing(self, conn: sqlite3.Connection, now: float, policy: Policy) -> None:
        if not policy.throttle_logins or policy.stuffing_threshold <= 0:
            return
        store.clamp_recent_failures(conn, now)
        store.clamp_stuffing_state(conn, now, policy.stuffing_window_seconds)
        since = now - policy.stuffing_window_seconds
        accounts = store.failing_accounts_since(conn, since)
        if accounts < policy.stuffing_threshold:
            return
        state = store.stuffing_state(conn)
        until = now + policy.stuffing_window_seconds
        if state is not None and state["active_until"] is not None and state["active_until"] > now:
            store.set_stuffing_state(conn, wave_started=state["wave_started"], active_until=until)
            return
        store.set_stuffing_state(conn, wave_started=now, active_until=until)
        audit.record(conn, at=now, event=AuditEvent.STUFFING_ALERT, severity="alert", failing_accounts=accounts,
                     failures=store.failures_since(conn, since), window_seconds=policy.stuffing_window_seconds,
                     top_sources=[f"{s} ({n})" for s, n in store.busiest_sources_since(conn, since)])

    def stuffing_active(self) -> bool:
        policy, now = self.core.policy, self.core.now()
        with self.core.db.write() as conn:  # a wave recorded "in the future" lasts one window from now
            store.clamp_stuffing_state(conn, now, max(0, policy.stuffing_window_seconds))
            state = store.stuffing_state(conn)
        return state is not None and state["active_until"] is not None and state["active_until"] > now
