"""IdentityService (`core.identity`): customers, sign-in, throttling, sessions, step-up, reset and
credential changes.

The rules and where they come from (BACKGROUND.md):
- Sign-in is password + TOTP (or a recovery code) under `hardened`, password only under `2019`.
- Failures are counted per account *key* (the e-mail as typed), so an unknown e-mail is throttled,
  locked and answered exactly like a known one; the Argon2 work is done for unknown e-mails too.
- Growing delays after `delay_after_failures`, a lock after `lock_after_failures`, never more
  than `max_failures_per_hour` (NIST 800-63B §5.2.2). Delays are computed from the clock and
  refused with `Throttled(retry_after)`; nothing sleeps.
- A stuffing wave (failures on `stuffing_threshold` different accounts within the window) writes
  one `stuffing_alert` and, while it lasts, slows every source that had no successful sign-in
  before the wave to one attempt per `STUFFING_SPACING_SECONDS`.
- Every accepted TOTP step is inserted into `totp_used_steps` (UNIQUE(customer_id, step)) in the
  transaction that acts on it, so the same code works once, even from two processes at once.
- A refused attempt is recorded in its own write transaction after the refused one rolled back.
"""
from __future__ import annotations

import enum
import hashlib
import math
import re
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Callable, NoReturn

from shared import audit, mailbox, passwords
from shared import totp as totp_mod
from shared.clock import to_iso
from shared.errors import (Conflict, InputError, InvalidCredentials, Locked, NotFound, QrpayError, SessionInvalid,
                           StepUpRequired, Throttled, TotpInvalid, TotpRequired, TotpReused, WeakPassword)
from shared.policy import Policy
from shared.storage import identity_store as store

HOUR = 3600
MAX_DELAY_SECONDS = 300
STUFFING_SPACING_SECONDS = 5
RESET_CODE_DIGITS = 8
RESET_MAX_ATTEMPTS = 5
RESET_REQUESTS_PER_HOUR = 5
_MAX_EMAIL = 254
_MAX_NAME = 100
_MAX_LABEL = 64
_MAX_SECRET_INPUT = 4096
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_WRONG_LOGIN = "The e-mail address or password is wrong."
_WRONG_RESET = "The reset code is wrong or has expired. Ask for a new one."


class Factor(enum.Enum):
    NONE = "none"
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    email: str
    name: str
    totp_enrolled: bool
    frozen: bool
    created_at: float


@dataclass(frozen=True, slots=True)
class Enrollment:
    customer_id: int
    email: str
    totp_secret: str
    otpauth_uri: str
    recovery_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Session:
    token: str          # only non-empty on the Session sign_in returns
    id: int
    customer_id: int
    device: str
    created_at: float
    last_seen_at: float
    step_up_at: float | None


class _FactorRefused(Exception):
    """A second factor was refused inside a write transaction; the caller records it after rollback."""

    def __init__(self, error: Exception, reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason


def normalize_email(email: object) -> str:
    if not isinstance(email, str) or not email.strip():
        raise InputError("Type an e-mail address.")
    return email.strip().lower()[:_MAX_EMAIL + 1]


def _valid_email(email: object) -> str:
    e = normalize_email(email)
    if len(e) > _MAX_EMAIL or not _EMAIL.match(e):
        raise InputError("That does not look like an e-mail address (name@example.com).")
    return e


def _label(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > _MAX_LABEL \
            or not value.strip().isprintable():
        raise InputError(f"The {what} name must be 1 to {_MAX_LABEL} printable characters.")
    return value.strip()


def _token_hash(token: object) -> str:
    if not isinstance(token, str) or not token or len(token) > 512:
        raise SessionInvalid("Your session has ended. Sign in again.")
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _secret_input(value: object) -> str:
    if not isinstance(value, str):
        raise InputError("Type the password.")
    return value[:_MAX_SECRET_INPUT]


def _customer(row: sqlite3.Row) -> Customer:
    return Customer(row["id"], row["email"], row["name"], bool(row["totp_enrolled"]), bool(row["frozen"]),
                    row["created_at"])


def _session(row: sqlite3.Row, token: str = "") -> Session:
    return Session(token, row["id"], row["customer_id"], row["device"], row["created_at"], row["last_seen_at"],
                   row["step_up_at"])


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


class IdentityService:
    def __init__(self, core) -> None:
        self.core = core

    # -- customers ------------------------------------------------------------------------------
    def password_problems(self, password: object, email: str | None = None) -> list[str]:
        policy = self.core.policy
        return passwords.problems(password, email=email, min_length=policy.min_password_length,
                                  reject_weak=policy.reject_weak_passwords)

    def _require_good_password(self, password: object, email: str | None) -> str:
        reasons = self.password_problems(password, email)
        if reasons:
            raise WeakPassword("Choose another password: " + " ".join(reasons), reasons=reasons)
        return password  # type: ignore[return-value]

    def register(self, email: str, name: str, password: str) -> Enrollment:
        email = _valid_email(email)
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > _MAX_NAME:
            raise InputError(f"Type a name of 1 to {_MAX_NAME} characters.")
        name = name.strip()
        self._require_good_password(password, email)
        pw_hash = passwords.hash_secret(password)
        secret = totp_mod.new_secret()
        codes = totp_mod.new_recovery_codes()
        now = self.core.now()
        with self.core.db.write() as conn:
            if store.email_taken(conn, email):
                raise Conflict("An account with this e-mail address already exists.")
            cid = store.insert_customer(conn, email=email, name=name, password_hash=pw_hash, totp_secret=secret, at=now)
            store.replace_recovery_codes(conn, cid, [totp_mod.hash_recovery_code(c) for c in codes], at=now)
            audit.record(conn, at=now, event="customer_registered", customer_id=cid)
        return Enrollment(cid, email, secret, totp_mod.otpauth_uri(secret, email), codes)

    def confirm_totp(self, email: str, code: str) -> None:
        """Enrolment completes only after a correct code from the authenticator app."""
        key = normalize_email(email)
        policy, now = self.core.policy, self.core.now()
        with self.core.db.read() as conn:
            self._check_throttle(conn, key, "local", now, policy)
            row = store.customer_by_email(conn, key)
        if row is not None and row["totp_enrolled"]:
            raise Conflict("The authenticator app is already set up for this account.")
        try:
            with self.core.db.write() as conn:
                if row is None:
                    raise _FactorRefused(TotpInvalid(_TOTP_WRONG), "unknown_email")
                self._check_factor(conn, row, code, None, now, purpose="enrol")
                store.set_totp_enrolled(conn, row["id"])
                audit.record(conn, at=now, event="totp_enrolled", customer_id=row["id"])
        except _FactorRefused as refused:
            self._refuse(refused, key=key, customer_id=row["id"] if row else None, source="local",
                         device=None, event="totp_enrol_failed")

    def customer(self, customer_id: int) -> Customer:
        if isinstance(customer_id, bool) or not isinstance(customer_id, int) or not 0 < customer_id < 2**63:
            raise NotFound("No such customer.")  # beyond SQLite's 64-bit integers: OverflowError otherwise
        with self.core.db.read() as conn:
            row = store.customer_by_id(conn, customer_id)
        if row is None:
            raise NotFound("No such customer.")
        return _customer(row)

    def customer_by_email(self, email: str) -> Customer:
        with self.core.db.read() as conn:
            row = store.customer_by_email(conn, normalize_email(email))
        if row is None:
            raise NotFound("No customer has this e-mail address.")
        return _customer(row)

    def customers(self) -> list[Customer]:
        with self.core.db.read() as conn:
            return [_customer(r) for r in store.all_customers(conn)]

    def authenticator_accounts(self) -> list[tuple[str, str]]:
        """(e-mail, TOTP secret) for the kiosk's simulated authenticator app; a re-enrolment in
        progress shows its new secret too, as a phone that scanned the new QR would."""
        with self.core.db.read() as conn:
            rows = store.totp_accounts(conn)
        out = []
        for r in rows:
            out.append((r["email"], r["totp_secret"]))
            if r["pending_totp_secret"]:
                out.append((r["email"], r["pending_totp_secret"]))
        return out

    def notify_owner(self, conn: sqlite3.Connection, customer_id: int, *, subject: str, body: str,
                     kind: str = "notice") -> int:
        row = store.customer_by_id(conn, customer_id)
        if row is None:
            raise NotFound("No such customer.")
        return mailbox.send(conn, to=row["email"], subject=subject, body=body, at=self.core.now(), kind=kind)

    def set_frozen(self, conn: sqlite3.Connection, customer_id: int, frozen: bool) -> None:
        if store.set_frozen(conn, customer_id, frozen) != 1:
            raise NotFound("No such customer.")

    # -- sign-in --------------------------------------------------------------------------------
    def sign_in(self, email: str, password: str, *, totp: str | None = None, recovery_code: str | None = None,
                device: str = "default", source: str = "local") -> Session:
        key = normalize_email(email)
        password = _secret_input(password)
        device, source = _label(device, "device"), _label(source, "source")
        policy, now = self.core.policy, self.core.now()
        with self.core.db.read() as conn:
            self._check_throttle(conn, key, source, now, policy)
            row = store.customer_by_email(conn, key)
        if row is None:
            passwords.burn_time(password)
            ok = False
        else:
            ok = passwords.verify_secret(row["password_hash"], password)
        if not ok:
            self._failure(key=key, customer_id=row["id"] if row else None, source=source, device=device,
                          kind="password", reason="unknown_email" if row is None else "wrong_password",
                          error=InvalidCredentials(_WRONG_LOGIN))
        cid = row["id"]
        needs_factor = policy.require_totp_login
        if needs_factor and totp is None and recovery_code is None:
            with self.core.db.write() as conn:  # an oracle hit still counts as an attempt from the source
                store.note_source_attempt(conn, source, now, success=False)
            if not row["totp_enrolled"]:
                raise TotpRequired("Finish setting up your authenticator app: enter a code from it.",
                                   enrolment_pending=True)
            raise TotpRequired("Enter the 6-digit code from your authenticator app.")
        new_hash = passwords.hash_secret(password) if passwords.needs_rehash(row["password_hash"]) else None
        token = secrets.token_urlsafe(32)
        try:
            with self.core.db.write() as conn:
                row = store.customer_by_id(conn, cid)
                factor = Factor.NONE
                if needs_factor:
                    factor = self._check_factor(conn, row, totp, recovery_code, now, purpose="sign_in")
                    if factor is Factor.TOTP and not row["totp_enrolled"]:
                        store.set_totp_enrolled(conn, cid)
                        audit.record(conn, at=now, event="totp_enrolled", customer_id=cid)
                sid = store.insert_session(conn, customer_id=cid, token_hash=_token_hash(token), device=device,
                                           source=source, at=now,
                                           step_up_at=now if factor is not Factor.NONE else None)
                new_device = not store.device_seen(conn, cid, device)
                store.remember_device(conn, cid, device, now)
                store.clear_throttle(conn, key)
                store.note_source_attempt(conn, source, now, success=True)
                if new_hash:
                    store.set_password_hash(conn, cid, new_hash)
                details = {}
                if factor is Factor.RECOVERY_CODE:
                    left = store.recovery_codes_left(conn, cid)
                    details["recovery_codes_left"] = left
                    self.notify_owner(conn, cid, subject="A recovery code was used to sign in",
                                      body=f"Someone signed in to your qrpay-sim account on device '{device}' at "
                                           f"{to_iso(now)} with a recovery code. {left} recovery codes are left. "
                                           "If this was not you, reset your password now.")
                audit.record(conn, at=now, event="login_succeeded", customer_id=cid, session_id=sid, device=device,
                             source=source, factor=factor.value, rehashed=bool(new_hash), **details)
                if new_device:
                    audit.record(conn, at=now, event="new_device", severity="warning", customer_id=cid,
                                 device=device, source=source, session_id=sid)
                    if policy.notify_new_device:
                        self.notify_owner(conn, cid, subject="New sign-in on a device not seen before",
                                          body=f"Your qrpay-sim account was signed in on device '{device}' at "
                                               f"{to_iso(now)}. Your other devices stay signed in. If this was "
                                               "not you, sign out everywhere and reset your password.")
                srow = store.session_by_id(conn, sid)
        except _FactorRefused as refused:
            self._refuse(refused, key=key, customer_id=cid, source=source, device=device, event="login_failed",
                         notify=True)
        return _session(srow, token)

    def _check_factor(self, conn: sqlite3.Connection, row: sqlite3.Row, totp: object, recovery_code: object,
                      now: float, *, purpose: str, secret: str | None = None) -> Factor:
        """Checks and consumes a second factor inside the caller's write transaction."""
        if totp is not None:
            step = totp_mod.matching_step(secret or row["totp_secret"], totp, now)
            if step is None:
                raise _FactorRefused(TotpInvalid(_TOTP_WRONG), "totp_wrong")
            try:
                store.insert_used_step(conn, row["id"], step, at=now, purpose=purpose)
            except sqlite3.IntegrityError:
                raise _FactorRefused(TotpReused("That code was already used. Wait for the next code."),
                                     "totp_reused") from None
            return Factor.TOTP
        if recovery_code is not None:
            if (not isinstance(recovery_code, str) or len(recovery_code) > 64
                    or not store.use_recovery_code(conn, row["id"], totp_mod.hash_recovery_code(recovery_code),
                                                   at=now)):
                raise _FactorRefused(TotpInvalid("That recovery code is not valid or was already used."),
                                     "recovery_code_wrong")
            return Factor.RECOVERY_CODE
        raise TotpRequired("Enter the 6-digit code from your authenticator app, or a recovery code.")

    # -- throttling -----------------------------------------------------------------------------
    def _check_throttle(self, conn: sqlite3.Connection, key: str, source: str, now: float, policy: Policy, *,
                        stuffing: bool = True) -> None:
        if not policy.throttle_logins:
            return
        wave = store.stuffing_state(conn) if stuffing else None  # a signed-in session is not a stuffing bot
        if wave is not None and wave["active_until"] is not None and wave["active_until"] > now:
            src = store.login_source(conn, source)
            trusted = (src is not None and src["first_success_at"] is not None
                       and src["first_success_at"] < wave["wave_started"])
            if not trusted and src is not None and src["last_attempt_at"] is not None:
                wait = src["last_attempt_at"] + STUFFING_SPACING_SECONDS - now
                if wait > 0:
                    raise Throttled("Many sign-ins are failing right now, so sign-ins are slowed down. "
                                    f"Try again in {math.ceil(wait)} seconds.", retry_after=math.ceil(wait))
        state = store.throttle_state(conn, key)
        if state is not None and state["locked_until"] is not None and state["locked_until"] > now:
            self._raise_locked(state["locked_until"], now)
        if policy.max_failures_per_hour > 0:
            recent = store.failures_of_account_since(conn, key, now - HOUR)
            if len(recent) >= policy.max_failures_per_hour:
                # Locked until enough of the last hour's failures age out to allow one more.
                self._raise_locked(recent[len(recent) - policy.max_failures_per_hour] + HOUR, now)
        if state is not None and 0 < policy.delay_after_failures <= state["consecutive_failures"]:
            wait = state["last_failure_at"] + _delay(state["consecutive_failures"], policy) - now
            if wait > 0:
                raise Throttled(f"Too many failed sign-ins. Try again in {math.ceil(wait)} seconds.",
                                retry_after=math.ceil(wait))

    @staticmethod
    def _raise_locked(until: float, now: float) -> NoReturn:
        raise Locked(f"Too many failed sign-ins: the account is locked for {_minutes(until - now)} more "
                     "minute(s). Try again later or reset your password.", until=until)

    def _failure(self, *, key: str, customer_id: int | None, source: str, device: str | None, kind: str,
                 reason: str, error: Exception, event: str = "login_failed", severity: str = "info",
                 notify: tuple[str, str] | None = None,
                 also: Callable[[sqlite3.Connection], None] | None = None) -> NoReturn:
        """Record a refused attempt in its own transaction, then raise `error` (or Locked when this
        failure locked the account)."""
        policy, now = self.core.policy, self.core.now()
        locked_until = None
        with self.core.db.write() as conn:
            n = store.record_failure(conn, account_key=key, customer_id=customer_id, source=source, kind=kind, at=now)
            store.note_source_attempt(conn, source, now, success=False)
            audit.record(conn, at=now, event=event, severity=severity, customer_id=customer_id, reason=reason,
                         source=source, device=device, consecutive_failures=n)
            if notify is not None and customer_id is not None:
                self.notify_owner(conn, customer_id, subject=notify[0], body=notify[1], kind="security")
            if also is not None:
                also(conn)
            if policy.throttle_logins and policy.lock_after_failures > 0 and n >= policy.lock_after_failures:
                locked_until = now + policy.lock_seconds
                store.set_locked_until(conn, key, locked_until)
                audit.record(conn, at=now, event="lockout", severity="alert", customer_id=customer_id,
                             consecutive_failures=n, until=locked_until, source=source)
                if customer_id is not None:
                    self.notify_owner(conn, customer_id, subject="Your account was locked",
                                      body=f"After {n} failed sign-ins in a row, your qrpay-sim account is locked "
                                           f"until {to_iso(locked_until)}. If this was not you, someone may know "
                                           "your e-mail address; consider changing your password.",
                                      kind="security")
            self._detect_stuffing(conn, now, policy)
        if locked_until is not None:
            self._raise_locked(locked_until, now)
        if policy.throttle_logins and 0 < policy.delay_after_failures <= n and isinstance(error, QrpayError):
            error.details.setdefault("retry_after", math.ceil(_delay(n, policy)))
        raise error

    def _refuse(self, refused: _FactorRefused, *, key: str, customer_id: int | None, source: str,
                device: str | None, event: str, notify: bool = False) -> NoReturn:
        """A wrong, reused or missing second factor: count it like a failed sign-in."""
        if isinstance(refused.error, TotpRequired):
            raise refused.error
        reused = refused.reason == "totp_reused"
        message = None
        if notify:
            message = ("Someone tried to use your qrpay-sim account",
                       f"Your password was entered correctly at {to_iso(self.core.now())} from '{source}', but the "
                       "second factor was wrong" + (" (a code that had already been used)" if reused else "")
                       + ". If this was not you, your password is known to someone: change it now.")
        self._failure(key=key, customer_id=customer_id, source=source, device=device, kind="second_factor",
                      reason=refused.reason, error=refused.error, event="totp_reused" if reused else event,
                      severity="warning", notify=message)

    def _detect_stuffing(self, conn: sqlite3.Connection, now: float, policy: Policy) -> None:
        if not policy.throttle_logins or policy.stuffing_threshold <= 0:
            return
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
        audit.record(conn, at=now, event="stuffing_alert", severity="alert", failing_accounts=accounts,
                     failures=store.failures_since(conn, since), window_seconds=policy.stuffing_window_seconds,
                     top_sources=[f"{s} ({n})" for s, n in store.busiest_sources_since(conn, since)])

    def stuffing_active(self) -> bool:
        with self.core.db.read() as conn:
            state = store.stuffing_state(conn)
        return state is not None and state["active_until"] is not None and state["active_until"] > self.core.now()

    # -- sessions -------------------------------------------------------------------------------
    def session(self, token: str) -> Session:
        """The live session for `token` (idle and absolute timeouts checked; last_seen touched)."""
        h = _token_hash(token)
        policy, now = self.core.policy, self.core.now()
        expired = None
        with self.core.db.write() as conn:
            row = store.session_by_token_hash(conn, h)
            if row is None or row["revoked_at"] is not None:
                raise SessionInvalid("Your session has ended. Sign in again.")
            if now - row["last_seen_at"] > policy.session_idle_seconds:
                expired = "idle_timeout"
            elif now - row["created_at"] > policy.session_absolute_seconds:
                expired = "absolute_timeout"
            if expired:
                store.revoke_session(conn, row["id"], at=now, reason=expired)
                audit.record(conn, at=now, event="session_expired", customer_id=row["customer_id"],
                             session_id=row["id"], reason=expired)
            else:
                store.touch_session(conn, row["id"], now)
                row = store.session_by_id(conn, row["id"])
        if expired:
            raise SessionInvalid("Your session timed out. Sign in again.", reason=expired)
        return _session(row)

    def step_up(self, token: str, *, totp: str | None = None, recovery_code: str | None = None) -> Session:
        """A fresh second-factor check on a live session (before credential changes, payment codes)."""
        s = self.session(token)
        now = self.core.now()
        with self.core.db.read() as conn:
            row = store.customer_by_id(conn, s.customer_id)
            self._check_throttle(conn, row["email"], "session", now, self.core.policy, stuffing=False)
        try:
            with self.core.db.write() as conn:
                factor = self._check_factor(conn, row, totp, recovery_code, now, purpose="step_up")
                store.set_step_up(conn, s.id, now)
                audit.record(conn, at=now, event="step_up", customer_id=s.customer_id, session_id=s.id,
                             factor=factor.value)
                srow = store.session_by_id(conn, s.id)
        except _FactorRefused as refused:
            self._refuse(refused, key=row["email"], customer_id=s.customer_id, source="session", device=s.device,
                         event="step_up_failed", notify=True)
        return _session(srow)

    def has_recent_step_up(self, token: str) -> bool:
        s = self.session(token)
        return s.step_up_at is not None and self.core.now() - s.step_up_at <= self.core.policy.step_up_seconds

    def sessions(self, token: str) -> list[Session]:
        s = self.session(token)
        policy, now = self.core.policy, self.core.now()
        with self.core.db.read() as conn:
            rows = store.live_sessions_of(conn, s.customer_id)
        return [_session(r) for r in rows if now - r["last_seen_at"] <= policy.session_idle_seconds
                and now - r["created_at"] <= policy.session_absolute_seconds]

    def sign_out(self, token: str, *, everywhere: bool = False) -> int:
        """Ends this session (or every session of the customer); returns how many were ended."""
        h = _token_hash(token)
        now = self.core.now()
        with self.core.db.write() as conn:
            row = store.session_by_token_hash(conn, h)
            if row is None:
                raise SessionInvalid("Your session has ended. Sign in again.")
            if everywhere:
                if row["revoked_at"] is not None:  # an ended session cannot sign others out
                    raise SessionInvalid("Your session has ended. Sign in again.")
                n = store.revoke_sessions_of(conn, row["customer_id"], at=now, reason="sign_out_everywhere")
            else:
                n = store.revoke_session(conn, row["id"], at=now, reason="sign_out")
            if n:
                audit.record(conn, at=now, event="session_revoked", customer_id=row["customer_id"],
                             session_id=row["id"], reason="sign_out_everywhere" if everywhere else "sign_out",
                             sessions_revoked=n)
        return n

    def revoke_session(self, token: str, session_id: int) -> None:
        s = self.session(token)
        now = self.core.now()
        with self.core.db.write() as conn:
            target = store.session_by_id(conn, session_id)
            if target is None or target["customer_id"] != s.customer_id:
                raise NotFound("No such session.")
            if store.revoke_session(conn, session_id, at=now, reason="revoked_by_owner"):
                audit.record(conn, at=now, event="session_revoked", customer_id=s.customer_id,
                             session_id=session_id, by_session_id=s.id, reason="revoked_by_owner")

    # -- password reset -------------------------------------------------------------------------
    def request_reset(self, email: str, *, send_to: str | None = None, source: str = "local") -> None:
        """Sends a reset code to the address of record. The same (None) for unknown e-mails.
        `send_to` exists only because the 2019 preset honours it; hardened ignores it and alerts."""
        key = normalize_email(email)
        if send_to is not None:
            send_to = _valid_email(send_to)
        source = _label(source, "source")
        policy, now = self.core.policy, self.core.now()
        code = f"{secrets.randbelow(10 ** RESET_CODE_DIGITS):0{RESET_CODE_DIGITS}d}"
        code_hash = passwords.hash_secret(code)  # done for unknown e-mails too: same timing
        with self.core.db.write() as conn:
            row = store.customer_by_email(conn, key)
            cid = row["id"] if row else None
            redirect = send_to is not None and (row is None or send_to != row["email"])
            if redirect and not policy.reset_honours_send_to:
                audit.record(conn, at=now, event="reset_redirect_attempt", severity="alert", customer_id=cid,
                             requested_send_to=send_to, source=source, known_account=row is not None)
            if row is None:
                audit.record(conn, at=now, event="reset_requested", customer_id=None, known_account=False,
                             source=source)
                return None
            if policy.throttle_logins and \
                    store.reset_requests_since(conn, cid, now - HOUR) >= RESET_REQUESTS_PER_HOUR:
                audit.record(conn, at=now, event="reset_rate_limited", severity="warning", customer_id=cid,
                             source=source)
                return None
            target = send_to if (redirect and policy.reset_honours_send_to) else row["email"]
            store.retire_reset_codes(conn, cid, now)
            store.insert_reset_code(conn, customer_id=cid, code_hash=code_hash, sent_to=target, at=now,
                                    expires_at=now + policy.reset_code_seconds)
            mailbox.send(conn, to=target, subject="Your qrpay-sim password reset code",
                         body=f"Your password reset code is {code}. It works once, for "
                              f"{_minutes(policy.reset_code_seconds)} minutes. If you did not ask for it, ignore "
                              "this message: your password has not changed.", at=now, kind="reset")
            off_record = target != row["email"]
            audit.record(conn, at=now, event="reset_requested", severity="alert" if off_record else "info",
                         customer_id=cid, known_account=True, source=source, sent_to_address_of_record=not off_record,
                         **({"sent_to": target} if off_record else {}))
        return None

    def complete_reset(self, email: str, reset_code: str, new_password: str, *, totp: str | None = None,
                       recovery_code: str | None = None) -> None:
        key = normalize_email(email)
        policy, now = self.core.policy, self.core.now()
        with self.core.db.read() as conn:
            self._check_throttle(conn, key, "reset", now, policy)
            row = store.customer_by_email(conn, key)
            live = store.live_reset_code(conn, row["id"], now, RESET_MAX_ATTEMPTS) if row else None
        self._require_good_password(new_password, row["email"] if row else key)
        if live is None:
            passwords.burn_time(str(reset_code))
            ok = False
        else:
            ok = isinstance(reset_code, str) and passwords.verify_secret(live["code_hash"], reset_code.strip())
        if not ok:
            with self.core.db.write() as conn:
                if live is not None:
                    store.count_reset_attempt(conn, live["id"])
                audit.record(conn, at=now, event="reset_failed", severity="warning",
                             customer_id=row["id"] if row else None,
                             reason="no_live_code" if live is None else "wrong_reset_code")
            raise InvalidCredentials(_WRONG_RESET, code="reset_code_invalid")
        cid = row["id"]
        needs_factor = policy.reset_requires_second_factor and row["totp_enrolled"]
        if needs_factor and totp is None and recovery_code is None:
            raise TotpRequired("Enter a code from your authenticator app (or a recovery code) to finish the reset.")
        new_hash = passwords.hash_secret(new_password)
        try:
            with self.core.db.write() as conn:
                row = store.customer_by_id(conn, cid)
                factor = Factor.NONE
                if needs_factor:
                    factor = self._check_factor(conn, row, totp, recovery_code, now, purpose="reset")
                if not store.use_reset_code(conn, live["id"], now):
                    raise InvalidCredentials(_WRONG_RESET, code="reset_code_invalid")
                store.retire_reset_codes(conn, cid, now)
                store.set_password_hash(conn, cid, new_hash, at=now)
                sessions_revoked = store.revoke_sessions_of(conn, cid, at=now, reason="password_reset")
                store.clear_throttle(conn, key)
                codes_revoked = self._revoke_payment_codes(conn, cid, now)
                self.notify_owner(conn, cid, subject="Your password was reset",
                                  body=f"The password of your qrpay-sim account was reset at {to_iso(now)}. Every "
                                       "device was signed out and unused payment codes were cancelled. If this was "
                                       "not you, contact support at once.", kind="security")
                audit.record(conn, at=now, event="reset_completed", severity="warning", customer_id=cid,
                             factor=factor.value, sessions_revoked=sessions_revoked,
                             payment_codes_revoked=codes_revoked)
        except _FactorRefused as refused:
            self._refuse(refused, key=key, customer_id=cid, source="reset", device=None, event="reset_failed",
                         notify=True)

    def _revoke_payment_codes(self, conn: sqlite3.Connection, customer_id: int, now: float):
        """Cancels outstanding payment codes through shared.codes when that module provides it."""
        try:
            from shared import codes as codes_mod
        except ModuleNotFoundError as e:
            if e.name != "shared.codes":
                raise
            return None
        fn = getattr(codes_mod, "revoke_all_for_customer", None)
        if fn is None:
            service = getattr(codes_mod, "CodeService", None)
            if service is None or not hasattr(service, "revoke_all_for_customer"):
                return None
            fn = self.core.codes.revoke_all_for_customer
        return fn(conn, customer_id, reason="password_reset", at=now)

    # -- credential changes ---------------------------------------------------------------------
    def _recent_step_up(self, token: str, totp: str | None) -> Session:
        """The session, after checking a second factor within `step_up_seconds` (or `totp` now)."""
        policy = self.core.policy
        if not policy.step_up_for_credential_change:
            return self.session(token)
        if totp is not None:
            return self.step_up(token, totp=totp)
        s = self.session(token)
        if s.step_up_at is None or self.core.now() - s.step_up_at > policy.step_up_seconds:
            raise StepUpRequired("Confirm it is you: enter a code from your authenticator app.")
        return s

    def change_password(self, token: str, new_password: str, *, totp: str | None = None) -> None:
        s = self._recent_step_up(token, totp)
        cust = self.customer(s.customer_id)
        self._require_good_password(new_password, cust.email)
        new_hash = passwords.hash_secret(new_password)
        now = self.core.now()
        with self.core.db.write() as conn:
            store.set_password_hash(conn, s.customer_id, new_hash, at=now)
            others = store.revoke_sessions_of(conn, s.customer_id, at=now, reason="password_changed", except_id=s.id)
            self.notify_owner(conn, s.customer_id, subject="Your password was changed",
                              body=f"The password of your qrpay-sim account was changed at {to_iso(now)} on device "
                                   f"'{s.device}'. Other devices were signed out. If this was not you, reset your "
                                   "password now.", kind="security")
            audit.record(conn, at=now, event="password_changed", severity="warning", customer_id=s.customer_id,
                         session_id=s.id, other_sessions_revoked=others)

    def change_email(self, token: str, new_email: str, *, totp: str | None = None) -> None:
        new = _valid_email(new_email)
        s = self._recent_step_up(token, totp)
        now = self.core.now()
        with self.core.db.write() as conn:
            old = store.customer_by_id(conn, s.customer_id)["email"]
            if new == old:
                raise InputError("That is already your e-mail address.")
            if store.email_taken(conn, new):
                raise Conflict("Another account uses this e-mail address.")
            # The old address hears of the change: it is the one an attacker would want silenced.
            mailbox.send(conn, to=old, subject="Your e-mail address was changed",
                         body=f"The e-mail address of your qrpay-sim account was changed to {new} at {to_iso(now)}. "
                              "If this was not you, contact support at once.", at=now, kind="security")
            store.set_email(conn, s.customer_id, new)
            self.notify_owner(conn, s.customer_id, subject="This is now your qrpay-sim address",
                              body=f"Notices for your qrpay-sim account now come to this address (from {to_iso(now)}).")
            audit.record(conn, at=now, event="email_changed", severity="warning", customer_id=s.customer_id,
                         session_id=s.id, old_email=old, new_email=new)

    def begin_totp_reenrol(self, token: str, *, totp: str | None = None) -> Enrollment:
        s = self._recent_step_up(token, totp)
        secret = totp_mod.new_secret()
        now = self.core.now()
        with self.core.db.write() as conn:
            store.set_pending_totp_secret(conn, s.customer_id, secret)
            email = store.customer_by_id(conn, s.customer_id)["email"]
            audit.record(conn, at=now, event="totp_reenrol_started", customer_id=s.customer_id, session_id=s.id)
        return Enrollment(s.customer_id, email, secret, totp_mod.otpauth_uri(secret, email), ())

    def confirm_totp_reenrol(self, token: str, code: str) -> None:
        s = self.session(token)
        now = self.core.now()
        with self.core.db.read() as conn:
            row = store.customer_by_id(conn, s.customer_id)
        if not row["pending_totp_secret"]:
            raise InputError("Start setting up the new authenticator first.")
        try:
            with self.core.db.write() as conn:
                self._check_factor(conn, row, code, None, now, purpose="reenrol", secret=row["pending_totp_secret"])
                store.activate_pending_totp_secret(conn, s.customer_id)
                self.notify_owner(conn, s.customer_id, subject="Your authenticator app was changed",
                                  body=f"A new authenticator app was set up for your qrpay-sim account at "
                                       f"{to_iso(now)} on device '{s.device}'. Codes from the old one no longer "
                                       "work. If this was not you, contact support at once.", kind="security")
                audit.record(conn, at=now, event="totp_reenrolled", severity="warning", customer_id=s.customer_id,
                             session_id=s.id)
        except _FactorRefused as refused:
            self._refuse(refused, key=row["email"], customer_id=s.customer_id, source="session", device=s.device,
                         event="totp_enrol_failed")

    def new_recovery_codes(self, token: str, *, totp: str | None = None) -> tuple[str, ...]:
        s = self._recent_step_up(token, totp)
        codes = totp_mod.new_recovery_codes()
        now = self.core.now()
        with self.core.db.write() as conn:
            store.replace_recovery_codes(conn, s.customer_id, [totp_mod.hash_recovery_code(c) for c in codes], at=now)
            self.notify_owner(conn, s.customer_id, subject="New recovery codes",
                              body=f"New recovery codes were made for your qrpay-sim account at {to_iso(now)}; the "
                                   "old ones no longer work. If this was not you, contact support at once.",
                              kind="security")
            audit.record(conn, at=now, event="recovery_codes_regenerated", severity="warning",
                         customer_id=s.customer_id, session_id=s.id)
        return codes

    # -- top-up password (the 2019 "authentication password"; used by shared/topups.py) ----------
    def set_topup_password_hash(self, conn: sqlite3.Connection, customer_id: int, password_hash: str | None) -> None:
        store.set_topup_password_hash(conn, customer_id, password_hash)

    def topup_password_hash(self, customer_id: int) -> str | None:
        with self.core.db.read() as conn:
            row = store.customer_by_id(conn, customer_id)
        if row is None:
            raise NotFound("No such customer.")
        return row["topup_password_hash"]


_TOTP_WRONG = "That code is not right. Check that your phone's clock is correct and use the newest code."


def _delay(failures: int, policy: Policy) -> float:
    """Seconds to wait after `failures` consecutive failures: 1, 2, 4, … capped."""
    return float(min(MAX_DELAY_SECONDS, 2 ** max(0, failures - policy.delay_after_failures)))

