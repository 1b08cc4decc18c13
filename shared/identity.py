"""IdentityService (`core.identity`): customers, sign-in, throttling, sessions, step-up, reset and
credential changes.

The rules and where they come from (NIST SP 800-63B, the OWASP Authentication and Credential
Stuffing cheat sheets, OWASP ASVS 5.0 6.3.1):
- Sign-in is password + TOTP (or a recovery code) under `hardened`, password only under `2019`.
- No password oracle under hardened: without a valid second factor the reply is the same whether
  the password was right or wrong (TotpRequired when no factor is given, InvalidCredentials when a
  wrong one is), and both paths do the same work. A right password with a missing or wrong factor
  is still audited, counted and told to the owner (at most one notice an hour).
- Failures are counted per account *key* (the e-mail as typed), so an unknown e-mail is throttled,
  locked and answered exactly like a known one; the Argon2 work is done for unknown e-mails too.
- Every attempt limit is RESERVED before the comparison: one write transaction checks the limits
  and counts the attempt (a pending `login_failures` row); the expensive comparison (Argon2, TOTP,
  recovery-code hash) runs after it commits; a second write transaction settles the attempt (a
  success deletes its row). N concurrent attempts never get more comparisons than the limit allows.
- Growing delays after `delay_after_failures`, a lock after `lock_after_failures`, never more
  than `max_failures_per_hour` (NIST 800-63B §5.2.2). Every delay and lock is clamped to
  [0, policy.max_lock_seconds]; a time recorded "in the future" (the clock was set back) is
  rewritten to now. Nothing sleeps. A supervisor (`unlock`) or the owner (a reset) can unlock.
- A stuffing wave (failures on `stuffing_threshold` different accounts within the window) writes
  one `stuffing_alert` and, while it lasts, admits one sign-in per STUFFING_SPACING_SECONDS in all:
  the `source` label comes from the caller, so it earns no trust.
- Every accepted TOTP step is inserted into `totp_used_steps` (UNIQUE(customer_id, generation,
  step); the generation grows with each new authenticator) in the transaction that acts on it, so
  the same code works once, even from two processes at once.
- Events that change who can act for the customer (sign-out, revoked session, new password, e-mail,
  authenticator or recovery codes, reset) withdraw the outstanding payment codes in their transaction.
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import math
import re
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Callable

from shared import audit, mailbox, passwords
from shared import totp as totp_mod
from shared.audit_events import AuditEvent
from shared.clock import to_iso
from shared.errors import (Conflict, InputError, InvalidCredentials, Locked, NotFound, QrpayError, SessionInvalid,
                           StepUpRequired, Throttled, TotpInvalid, TotpRequired, TotpReused, WeakPassword)
from shared.mailbox import MessageKind
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

NOTICE_WINDOW_SECONDS = HOUR  # one "someone knows your password" notice per owner per hour

_WRONG_LOGIN = "The e-mail address or password is wrong."
_FACTOR_NEEDED = "Enter your password and the 6-digit code from your authenticator app (or a recovery code)."
_PASSWORD_KNOWN_SUBJECT = "Someone tried to use your qrpay-sim account"
_WRONG_RESET = "The reset code is wrong or has expired. Ask for a new one."
_RESET_FACTOR_NEEDED = "Enter the reset code and a code from your authenticator app (or a recovery code)."


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


@dataclass(frozen=True, slots=True)
class _Attempt:
    """An attempt reserved (counted) before its secret was compared."""
    id: int
    key: str
    customer_id: int | None
    source: str
    device: str | None
    n: int              # the account's consecutive failures, this attempt included


@dataclass(frozen=True, slots=True)
class _FactorProof:
    """The outcome of the expensive half of a second-factor check (consumed later in a transaction)."""
    kind: Factor
    step: int | None            # the TOTP step the code matched, or None
    recovery_hash: str | None   # SHA-256 of a well-formed recovery code


_NO_PROOF = _FactorProof(Factor.NONE, None, None)
# What a TOTP code is checked against when there is no account: the same work, a secret nobody has.
_DUMMY_TOTP_SECRET = totp_mod.new_secret()


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
    def password_problems(self, password: object, email: str | None = None) -> list[passwords.PasswordProblem]:
        """Why the policy refuses `password` (codes with their numbers; the GUI translates them)."""
        policy = self.core.policy
        return passwords.check(password, email=email, min_length=policy.min_password_length,
                               reject_weak=policy.reject_weak_passwords)

    def _require_good_password(self, password: object, email: str | None) -> str:
        found = self.password_problems(password, email)
        if found:
            raise WeakPassword.of("Choose another password:", found)
        return password  # type: ignore[return-value]

    def register(self, email: str, name: str, password: str) -> Enrollment:
        """A new customer, with an authenticator secret to confirm and recovery codes.

        An address that already has an account: the reply stays Conflict, because a fresh sign-up
        returns a working TOTP secret and recovery codes, which a refusal cannot imitate (a decoy
        enrolment would be found out at the first confirm, and would fool a customer who forgot
        they have an account). What the reply cannot hide is made expensive and visible instead:
        every sign-up is reserved against a per-address limit (key "register:<address>": delays,
        then a lock) before the address is looked at; a refusal is counted as a failure, so many
        of them across addresses raise the stuffing alert and slow every sign-in and sign-up
        down; it is audited (`register_existing_email`) and the owner of the address is told (at
        most once an hour). The message says no more than that the address cannot be used."""
        email = _valid_email(email)
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > _MAX_NAME:
            raise InputError(f"Type a name of 1 to {_MAX_NAME} characters.")
        name = name.strip()
        self._require_good_password(password, email)
        pw_hash = passwords.hash_secret(password)
        secret = totp_mod.new_secret()
        codes = totp_mod.new_recovery_codes()
        policy, now = self.core.policy, self.core.now()
        attempt, _ = self._reserve(f"register:{email}", source="register", device=None, kind="register")
        error: Exception | None = None
        with self.core.db.write() as conn:
            existing = store.customer_by_email(conn, email)
            if existing is not None:
                attempt = dataclasses.replace(attempt, customer_id=existing["id"])
                error = self._settle_failure(
                    conn, attempt, kind="register", reason="email_taken", event=AuditEvent.REGISTER_EXISTING_EMAIL,
                    severity="warning",
                    error=Conflict("This e-mail address cannot be used for a new account. If it is yours, sign "
                                   "in or reset your password."),
                    notify=("Someone tried to open an account with your address",
                            f"At {to_iso(now)} someone tried to open a new qrpay-sim account with this e-mail "
                            "address, which already has one. Nothing changed. If this was not you, no action is "
                            "needed; if it keeps happening, change your password."))
            else:
                cid = store.insert_customer(conn, email=email, name=name, password_hash=pw_hash, totp_secret=secret,
                                            at=now)
                store.replace_recovery_codes(conn, cid, [totp_mod.hash_recovery_code(c) for c in codes], at=now)
                store.release_attempt(conn, attempt.id, attempt.key, lock_after=policy.lock_after_failures)
                audit.record(conn, at=now, event=AuditEvent.CUSTOMER_REGISTERED, customer_id=cid)
        if error is not None:
            raise error
        return Enrollment(cid, email, secret, totp_mod.otpauth_uri(secret, email), codes)

    def confirm_totp(self, email: str, code: str) -> None:
        """Enrolment completes only after a correct code from the authenticator app.

        Under hardened the reply does not depend on whether the address has an account: an unknown
        address, an account that is already enrolled (unless the code is right for it: then it is a
        harmless repeat) and a wrong code all get TotpInvalid. Every confirm is reserved against the
        address's sign-in limits before the code is computed, and every refusal is audited
        (`totp_enrol_failed`). Under 2019 an enrolled account still answers Conflict."""
        key = normalize_email(email)
        policy, now = self.core.policy, self.core.now()
        uniform = policy.require_totp_login and policy.uniform_login_replies
        attempt, row = self._reserve(key, source="enrol", device=None, kind="enrol", lookup=True)
        proof = self._factor_proof(row["totp_secret"] if row is not None else None,
                                   code if code is not None else "", None, now)
        error: Exception | None = None
        with self.core.db.write() as conn:
            fresh = store.customer_by_id(conn, row["id"]) if row is not None else None
            try:
                if fresh is None:
                    raise _FactorRefused(TotpInvalid(_TOTP_WRONG), "unknown_email")
                if fresh["totp_secret"] != row["totp_secret"]:
                    raise _FactorRefused(TotpInvalid(_TOTP_WRONG), "authenticator_changed")
                if fresh["totp_enrolled"] and not uniform:
                    store.release_attempt(conn, attempt.id, attempt.key, lock_after=policy.lock_after_failures)
                    error = Conflict("The authenticator app is already set up for this account.")
                elif fresh["totp_enrolled"]:
                    if proof.step is None:
                        raise _FactorRefused(TotpInvalid(_TOTP_WRONG), "already_enrolled")
                    self._consume_factor(conn, fresh, proof, now, purpose="enrol")
                    store.release_attempt(conn, attempt.id, attempt.key, lock_after=policy.lock_after_failures)
                else:
                    self._consume_factor(conn, fresh, proof, now, purpose="enrol")
                    store.set_totp_enrolled(conn, fresh["id"])
                    store.release_attempt(conn, attempt.id, attempt.key, lock_after=policy.lock_after_failures)
                    audit.record(conn, at=now, event=AuditEvent.TOTP_ENROLLED, customer_id=fresh["id"])
            except _FactorRefused as refused:
                err = TotpInvalid(_TOTP_WRONG) if uniform else refused.error
                error = self._settle_failure(conn, attempt, kind="second_factor", reason=refused.reason,
                                             event=AuditEvent.TOTP_ENROL_FAILED, severity="warning", error=err)
        if error is not None:
            raise error

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
                     kind: MessageKind = MessageKind.NOTICE) -> int:
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
        """Password (+ second factor under hardened). Under hardened the reply never tells whether
        the password was right unless the second factor is right too: no factor given -> always
        TotpRequired; a wrong or reused factor -> always InvalidCredentials (the wrong-password
        reply). Inside, a right password with a missing or wrong factor is audited, counted and told
        to the owner. Every path does the same work: one write transaction that reserves the attempt
        (throttling checked and the attempt counted before anything is compared), one Argon2 verify,
        the TOTP (or recovery-code hash) computation when a factor is given, one write transaction
        that settles it."""
        key = normalize_email(email)
        password = _secret_input(password)
        device, source = _label(device, "device"), _label(source, "source")
        policy, now = self.core.policy, self.core.now()
        needs_factor = policy.require_totp_login
        uniform = needs_factor and policy.uniform_login_replies  # no password oracle (defence same-reply)
        attempt, row = self._reserve(key, source=source, device=device, kind="password", lookup=True)
        # -- the expensive comparisons, the same in every path ------------------------------------
        if row is None:
            passwords.burn_time(password)
            pw_ok = False
        else:
            pw_ok = passwords.verify_secret(row["password_hash"], password)
        proof = self._factor_proof(row["totp_secret"] if row is not None else None, totp, recovery_code, now) \
            if needs_factor else _NO_PROOF
        no_factor = totp is None and recovery_code is None
        # -- one write transaction settles it ----------------------------------------------------
        error: Exception | None = None
        srow = None
        token = secrets.token_urlsafe(32)
        with self.core.db.write() as conn:
            if not pw_ok:
                reason = "unknown_email" if row is None else "wrong_password"
                err = TotpRequired(_FACTOR_NEEDED) if uniform and no_factor else InvalidCredentials(_WRONG_LOGIN)
                error = self._settle_failure(conn, attempt, kind="password", reason=reason, error=err)
            elif needs_factor and no_factor:
                error = self._settle_failure(
                    conn, attempt, kind="second_factor", reason="second_factor_missing",
                    event=AuditEvent.LOGIN_SECOND_FACTOR_MISSING, severity="warning",
                    error=TotpRequired(_FACTOR_NEEDED),
                    notify=self._password_known_notice(source, "no second factor was given"))
            else:
                try:
                    srow = self._complete_sign_in(conn, attempt, row, proof, token=token, password=password,
                                                  needs_factor=needs_factor, now=now, policy=policy)
                except _FactorRefused as refused:
                    reused = refused.reason == "totp_reused"
                    error = self._settle_failure(
                        conn, attempt, kind="second_factor", reason=refused.reason,
                        event=AuditEvent.TOTP_REUSED if reused else AuditEvent.LOGIN_FAILED, severity="warning",
                        error=InvalidCredentials(_WRONG_LOGIN) if uniform else refused.error,
                        notify=None if refused.reason == "password_changed" else self._password_known_notice(
                            source, "the second factor was wrong"
                            + (" (a code that had already been used)" if reused else "")))
        if error is not None:
            raise error
        return _session(srow, token)

    def _complete_sign_in(self, conn: sqlite3.Connection, attempt: "_Attempt", seen: sqlite3.Row,
                          proof: "_FactorProof", *, token: str, password: str, needs_factor: bool,
                          now: float, policy: Policy) -> sqlite3.Row:
        """The accepted sign-in, inside the settling transaction. Consumes the factor first, so a
        refusal (raised as _FactorRefused) has written nothing yet."""
        cid = seen["id"]
        row = store.customer_by_id(conn, cid)
        if row is None or row["password_hash"] != seen["password_hash"]:
            # The password changed (a reset) while this attempt was being checked: not accepted.
            raise _FactorRefused(InvalidCredentials(_WRONG_LOGIN), "password_changed")
        factor = Factor.NONE
        if needs_factor:
            factor = self._consume_factor(conn, row, proof, now, purpose="sign_in")
            if factor is Factor.TOTP and not row["totp_enrolled"]:
                store.set_totp_enrolled(conn, cid)
                audit.record(conn, at=now, event=AuditEvent.TOTP_ENROLLED, customer_id=cid)
        # A rehash (new Argon2 parameters) only once the sign-in is certain: done earlier, its cost
        # would tell a right password from a wrong one. Rare: once per customer per parameter change.
        new_hash = passwords.hash_secret(password) if passwords.needs_rehash(row["password_hash"]) else None
        device, source = attempt.device, attempt.source
        sid = store.insert_session(conn, customer_id=cid, token_hash=_token_hash(token), device=device,
                                   source=source, at=now, step_up_at=now if factor is not Factor.NONE else None)
        new_device = not store.device_seen(conn, cid, device)
        store.remember_device(conn, cid, device, now)
        store.release_attempt(conn, attempt.id, attempt.key, lock_after=policy.lock_after_failures)
        store.clear_throttle(conn, attempt.key)
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
        audit.record(conn, at=now, event=AuditEvent.LOGIN_SUCCEEDED, customer_id=cid, session_id=sid, device=device,
                     source=source, factor=factor.value, rehashed=bool(new_hash), **details)
        if new_device:
            audit.record(conn, at=now, event=AuditEvent.NEW_DEVICE, severity="warning", customer_id=cid,
                         device=device, source=source, session_id=sid)
            if policy.notify_new_device:
                self.notify_owner(conn, cid, subject="New sign-in on a device not seen before",
                                  body=f"Your qrpay-sim account was signed in on device '{device}' at "
                                       f"{to_iso(now)}. Your other devices stay signed in. If this was "
                                       "not you, sign out everywhere and reset your password.")
        return store.session_by_id(conn, sid)

    def _password_known_notice(self, source: str, what: str) -> tuple[str, str]:
        return (_PASSWORD_KNOWN_SUBJECT,
                f"Your password was entered correctly at {to_iso(self.core.now())} from '{source}', but {what}. "
                "If this was not you, your password is known to someone: change it now. (You get this notice "
                "at most once an hour.)")

    # -- second factors -------------------------------------------------------------------------
    @staticmethod
    def _factor_proof(secret: str | None, totp: object, recovery_code: object, now: float) -> "_FactorProof":
        """The expensive half of a second-factor check, done outside any transaction and the same
        way whether or not there is an account (`secret` None: a secret nobody has)."""
        if totp is not None:
            return _FactorProof(Factor.TOTP, totp_mod.matching_step(secret or _DUMMY_TOTP_SECRET, totp, now), None)
        if recovery_code is not None:
            ok = isinstance(recovery_code, str) and len(recovery_code) <= 64
            digest = totp_mod.hash_recovery_code(recovery_code if ok else "")
            return _FactorProof(Factor.RECOVERY_CODE, None, digest if ok else None)
        return _NO_PROOF

    @staticmethod
    def _consume_factor(conn: sqlite3.Connection, row: sqlite3.Row, proof: "_FactorProof", now: float, *,
                        purpose: str, generation: int | None = None) -> Factor:
        """Consumes a checked second factor inside the caller's write transaction (TOTP step per
        authenticator generation; recovery code once). Raises _FactorRefused before writing anything."""
        if proof.kind is Factor.TOTP:
            if proof.step is None:
                raise _FactorRefused(TotpInvalid(_TOTP_WRONG), "totp_wrong")
            try:
                store.insert_used_step(conn, row["id"], proof.step, at=now, purpose=purpose,
                                       generation=row["totp_generation"] if generation is None else generation)
            except sqlite3.IntegrityError:
                raise _FactorRefused(TotpReused("That code was already used. Wait for the next code."),
                                     "totp_reused") from None
            return Factor.TOTP
        if proof.kind is Factor.RECOVERY_CODE:
            if proof.recovery_hash is None or not store.use_recovery_code(conn, row["id"], proof.recovery_hash,
                                                                          at=now):
                raise _FactorRefused(TotpInvalid("That recovery code is not valid or was already used."),
                                     "recovery_code_wrong")
            return Factor.RECOVERY_CODE
        raise _FactorRefused(TotpRequired(_FACTOR_NEEDED), "second_factor_missing")

    def _session_factor(self, s: Session, totp: object, recovery_code: object, *, purpose: str, event: AuditEvent,
                        secret_of: Callable[[sqlite3.Row], str] | None = None,
                        generation_of: Callable[[sqlite3.Row], int] | None = None,
                        then: Callable[[sqlite3.Connection, sqlite3.Row, Factor], object] | None = None):
        """A second-factor check for a signed-in customer (step-up, re-enrolment): the attempt is
        reserved against the account's limits before the code is computed; `then` runs in the same
        transaction as the factor's consumption. Returns what `then` returned."""
        if totp is None and recovery_code is None:
            raise TotpRequired(_FACTOR_NEEDED)
        policy, now = self.core.policy, self.core.now()
        with self.core.db.read() as conn:
            row = store.customer_by_id(conn, s.customer_id)
        attempt, _ = self._reserve(row["email"], source="session", device=s.device, kind="second_factor",
                                   customer_id=s.customer_id, stuffing=False)
        secret = secret_of(row) if secret_of else row["totp_secret"]
        proof = self._factor_proof(secret, totp, recovery_code, now)
        error: Exception | None = None
        result = None
        with self.core.db.write() as conn:
            fresh = store.customer_by_id(conn, s.customer_id)
            try:
                if (secret_of(fresh) if secret_of else fresh["totp_secret"]) != secret:
                    raise _FactorRefused(TotpInvalid(_TOTP_WRONG), "authenticator_changed")
                factor = self._consume_factor(conn, fresh, proof, now, purpose=purpose,
                                              generation=generation_of(fresh) if generation_of else None)
                store.release_attempt(conn, attempt.id, attempt.key, lock_after=policy.lock_after_failures)
                if then is not None:
                    result = then(conn, fresh, factor)
            except _FactorRefused as refused:
                reused = refused.reason == "totp_reused"
                error = self._settle_failure(
                    conn, attempt, kind="second_factor", reason=refused.reason,
                    event=AuditEvent.TOTP_REUSED if reused else event, severity="warning", error=refused.error,
                    notify=(_PASSWORD_KNOWN_SUBJECT,
                            f"Someone signed in to your qrpay-sim account on device '{s.device}' entered a wrong "
                            f"second factor at {to_iso(now)}" + (" (a code that had already been used)"
                                                                 if reused else "")
                            + ". If this was not you, sign out everywhere and change your password now."))
        if error is not None:
            raise error
        return result

    # -- throttling: reserve first, compare after -----------------------------------------------
    def _reserve(self, key: str, *, source: str, device: str | None, kind: str, lookup: bool = False,
                 customer_id: int | None = None, stuffing: bool = True) -> tuple["_Attempt", sqlite3.Row | None]:
        """In ONE write transaction: clamp clock-jumped times, check the limits, and count this
        attempt as a failure (a pending row) before anything secret is compared. Concurrent
        attempts therefore never get more comparisons than the limits allow. Raises Throttled /
        Locked (the same for known and unknown accounts: the key is the address as typed)."""
        policy, now = self.core.policy, self.core.now()
        refusal: QrpayError | None = None
        row = None
        with self.core.db.write() as conn:
            refusal = self._throttle_verdict(conn, key, now, policy, stuffing=stuffing)
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

    def _throttle_verdict(self, conn: sqlite3.Connection, key: str, now: float, policy: Policy, *,
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
                                         f"Try again in {math.ceil(wait)} seconds.", retry_after=math.ceil(wait))
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
                return Throttled(f"Too many failed sign-ins. Try again in {math.ceil(wait)} seconds.",
                                 retry_after=math.ceil(wait))
        return None

    @staticmethod
    def _locked(until: float, now: float) -> Locked:
        return Locked(f"Too many failed sign-ins: the account is locked for {_minutes(until - now)} more "
                      "minute(s). Try again later, reset your password or ask a supervisor.", until=until)

    def _settle_failure(self, conn: sqlite3.Connection, attempt: "_Attempt", *, kind: str, reason: str,
                        error: Exception, event: AuditEvent = AuditEvent.LOGIN_FAILED, severity: str = "info",
                        notify: tuple[str, str] | None = None) -> Exception:
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
            self._notify_once(conn, cid, subject=notify[0], body=notify[1], kind=MessageKind.SECURITY)
        if policy.throttle_logins and policy.lock_after_failures > 0 and n >= policy.lock_after_failures:
            until = now + _cap(policy.lock_seconds, policy)
            audit.record(conn, at=now, event=AuditEvent.LOCKOUT, severity="alert", customer_id=cid,
                         consecutive_failures=n, until=until, source=attempt.source)
            if cid is not None:
                self._notify_once(conn, cid, subject="Your account was locked",
                                  body=f"After {n} failed attempts in a row, your qrpay-sim account is locked "
                                       f"until {to_iso(until)}. If this was not you, someone may know your "
                                       "e-mail address; consider changing your password. A reset, or a "
                                       "supervisor, can unlock it sooner.", kind=MessageKind.SECURITY)
            self._detect_stuffing(conn, now, policy)
            return self._locked(until, now)
        self._detect_stuffing(conn, now, policy)
        if policy.throttle_logins and 0 < policy.delay_after_failures <= n and isinstance(error, QrpayError):
            error.details.setdefault("retry_after", math.ceil(_cap(_delay(n, policy), policy)))
        return error

    def _notify_once(self, conn: sqlite3.Connection, customer_id: int, *, subject: str, body: str,
                     kind: MessageKind = MessageKind.NOTICE) -> None:
        """A notice, unless the same one went to the owner within the last hour (no flooding)."""
        row, now = store.customer_by_id(conn, customer_id), self.core.now()
        if row is None or store.recent_mail(conn, row["email"], subject, now - NOTICE_WINDOW_SECONDS, now):
            return
        self.notify_owner(conn, customer_id, subject=subject, body=body, kind=kind)

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

    def unlock(self, email_or_customer_id: str | int, *, supervisor_id: int, pin: str) -> Customer:
        """A supervisor ends a lock (and the delays) on a customer's account: audited, owner told."""
        member = self.core.staff.require_supervisor(supervisor_id, pin)
        now = self.core.now()
        with self.core.db.write() as conn:
            if isinstance(email_or_customer_id, int) and not isinstance(email_or_customer_id, bool):
                row = store.customer_by_id(conn, email_or_customer_id) if 0 < email_or_customer_id < 2**63 else None
            else:
                row = store.customer_by_email(conn, normalize_email(email_or_customer_id))
            if row is None:
                raise NotFound("No such customer.")
            cleared = store.forget_failures(conn, row["email"])
            audit.record(conn, at=now, event=AuditEvent.ACCOUNT_UNLOCKED, severity="warning", customer_id=row["id"],
                         staff_id=member.id, failures_cleared=cleared)
            self.notify_owner(conn, row["id"], subject="Your account was unlocked",
                              body=f"A store supervisor unlocked your qrpay-sim account at {to_iso(now)}. If you "
                                   "did not ask for this, reset your password.", kind=MessageKind.SECURITY)
            row = store.customer_by_id(conn, row["id"])
        return _customer(row)

    # -- sessions -------------------------------------------------------------------------------
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
                audit.record(conn, at=now, event=AuditEvent.RESET_REDIRECT_ATTEMPT, severity="alert", customer_id=cid,
                             requested_send_to=send_to, source=source, known_account=row is not None)
            if row is None:
                audit.record(conn, at=now, event=AuditEvent.RESET_REQUESTED, customer_id=None, known_account=False,
                             source=source)
                return None
            store.clamp_reset_codes(conn, cid, now)  # a clock set back: counts as now
            if policy.throttle_logins and \
                    store.reset_requests_since(conn, cid, now - HOUR) >= RESET_REQUESTS_PER_HOUR:
                audit.record(conn, at=now, event=AuditEvent.RESET_RATE_LIMITED, severity="warning", customer_id=cid,
                             source=source)
                return None
            target = send_to if (redirect and policy.reset_honours_send_to) else row["email"]
            store.retire_reset_codes(conn, cid, now)
            store.insert_reset_code(conn, customer_id=cid, code_hash=code_hash, sent_to=target, at=now,
                                    expires_at=now + policy.reset_code_seconds)
            mailbox.send(conn, to=target, subject="Your qrpay-sim password reset code",
                         body=f"Your password reset code is {code}. It works once, for "
                              f"{_minutes(policy.reset_code_seconds)} minutes. If you did not ask for it, ignore "
                              "this message: your password has not changed.", at=now, kind=MessageKind.RESET)
            off_record = target != row["email"]
            audit.record(conn, at=now, event=AuditEvent.RESET_REQUESTED, severity="alert" if off_record else "info",
                         customer_id=cid, known_account=True, source=source, sent_to_address_of_record=not off_record,
                         **({"sent_to": target} if off_record else {}))
        return None

    def complete_reset(self, email: str, reset_code: str, new_password: str, *, totp: str | None = None,
                       recovery_code: str | None = None) -> None:
        """A new password with the e-mailed reset code (+ the second factor under hardened).

        Works while the account is locked (the reset is how the owner unlocks it), but it has
        limits of its own: a code allows RESET_MAX_ATTEMPTS guesses, each reserved (counted) in the
        transaction that finds the code, before the code is compared, and a new code needs a new
        request (RESET_REQUESTS_PER_HOUR). Under hardened the reply does not confirm a right reset
        code without the factor: no factor given -> TotpRequired whether the code was right or not
        (unless the account has no authenticator yet); a wrong code or a wrong factor -> the same
        InvalidCredentials (reset_code_invalid)."""
        key = normalize_email(email)
        policy, now = self.core.policy, self.core.now()
        self._require_good_password(new_password, key)
        uniform = policy.reset_requires_second_factor
        with self.core.db.write() as conn:  # reserve the guess before comparing anything
            row = store.customer_by_email(conn, key)
            live = None
            if row is not None:
                store.clamp_reset_codes(conn, row["id"], now)
                live = store.live_reset_code(conn, row["id"], now, RESET_MAX_ATTEMPTS)
                if live is not None and not store.reserve_reset_attempt(conn, live["id"], RESET_MAX_ATTEMPTS):
                    live = None
        if live is None:
            passwords.burn_time(str(reset_code))
            ok = False
        else:
            ok = isinstance(reset_code, str) and passwords.verify_secret(live["code_hash"], reset_code.strip()[:64])
        no_factor = totp is None and recovery_code is None
        proof = self._factor_proof(row["totp_secret"] if row is not None else None, totp, recovery_code, now) \
            if uniform else _NO_PROOF
        needs_factor = uniform and (row is None or bool(row["totp_enrolled"]))
        new_hash = passwords.hash_secret(new_password)  # in every path: its cost must not tell a right code
        wrong = InvalidCredentials(_WRONG_RESET, code="reset_code_invalid")
        error: Exception | None = None
        with self.core.db.write() as conn:
            cid = row["id"] if row is not None else None
            try:
                if not ok:
                    reason = "no_live_code" if live is None else "wrong_reset_code"
                    raise _FactorRefused(TotpRequired(_RESET_FACTOR_NEEDED) if needs_factor and no_factor
                                         else wrong, reason)
                if needs_factor and no_factor:
                    raise _FactorRefused(TotpRequired(_RESET_FACTOR_NEEDED), "second_factor_missing")
                fresh = store.customer_by_id(conn, cid)
                factor = Factor.NONE
                if needs_factor:
                    try:
                        factor = self._consume_factor(conn, fresh, proof, now, purpose="reset")
                    except _FactorRefused as refused:
                        raise _FactorRefused(wrong, refused.reason) from None
                if not store.use_reset_code(conn, live["id"], now):
                    raise _FactorRefused(wrong, "reset_code_used")
                store.retire_reset_codes(conn, cid, now)
                store.set_password_hash(conn, cid, new_hash, at=now)
                sessions_revoked = store.revoke_sessions_of(conn, cid, at=now, reason="password_reset")
                store.clear_throttle(conn, key)  # the owner unlocks the account through a reset
                codes_revoked = self._withdraw_codes(conn, cid, "password_reset", now)
                self.notify_owner(conn, cid, subject="Your password was reset",
                                  body=f"The password of your qrpay-sim account was reset at {to_iso(now)}. Every "
                                       "device was signed out and unused payment codes were cancelled. If this was "
                                       "not you, contact support at once.", kind=MessageKind.SECURITY)
                audit.record(conn, at=now, event=AuditEvent.RESET_COMPLETED, severity="warning", customer_id=cid,
                             factor=factor.value, sessions_revoked=sessions_revoked,
                             payment_codes_revoked=codes_revoked)
            except _FactorRefused as refused:
                error = refused.error
                audit.record(conn, at=now, event=AuditEvent.RESET_FAILED, severity="warning", customer_id=cid,
                             reason=refused.reason)
                if cid is not None and ok and refused.reason not in ("second_factor_missing", "reset_code_used"):
                    self._notify_once(conn, cid, subject="Someone used your reset code with a wrong second factor",
                                      body=f"At {to_iso(now)} your password reset code was entered with a wrong "
                                           "authenticator code. If this was not you, someone can read your e-mail: "
                                           "secure it, then reset your password.", kind=MessageKind.SECURITY)
        if error is not None:
            raise error

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
            codes = self._withdraw_codes(conn, s.customer_id, "password_changed", now)
            self.notify_owner(conn, s.customer_id, subject="Your password was changed",
                              body=f"The password of your qrpay-sim account was changed at {to_iso(now)} on device "
                                   f"'{s.device}'. Other devices were signed out. If this was not you, reset your "
                                   "password now.", kind=MessageKind.SECURITY)
            audit.record(conn, at=now, event=AuditEvent.PASSWORD_CHANGED, severity="warning", customer_id=s.customer_id,
                         session_id=s.id, other_sessions_revoked=others, payment_codes_revoked=codes)

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
                              "If this was not you, contact support at once.", at=now, kind=MessageKind.SECURITY)
            store.set_email(conn, s.customer_id, new)
            codes = self._withdraw_codes(conn, s.customer_id, "email_changed", now)
            self.notify_owner(conn, s.customer_id, subject="This is now your qrpay-sim address",
                              body=f"Notices for your qrpay-sim account now come to this address (from {to_iso(now)}).")
            audit.record(conn, at=now, event=AuditEvent.EMAIL_CHANGED, severity="warning", customer_id=s.customer_id,
                         session_id=s.id, old_email=old, new_email=new, payment_codes_revoked=codes)

    def begin_totp_reenrol(self, token: str, *, totp: str | None = None) -> Enrollment:
        s = self._recent_step_up(token, totp)
        secret = totp_mod.new_secret()
        now = self.core.now()
        with self.core.db.write() as conn:
            store.set_pending_totp_secret(conn, s.customer_id, secret)
            email = store.customer_by_id(conn, s.customer_id)["email"]
            audit.record(conn, at=now, event=AuditEvent.TOTP_REENROL_STARTED,
                         customer_id=s.customer_id, session_id=s.id)
        return Enrollment(s.customer_id, email, secret, totp_mod.otpauth_uri(secret, email), ())

    def confirm_totp_reenrol(self, token: str, code: str) -> None:
        """The new authenticator replaces the old one after its first correct code. The code is
        checked against the new secret's own used steps (a new generation), so it may share its
        30-second step with the step-up code of the old one. Outstanding payment codes are withdrawn."""
        s = self.session(token)
        now = self.core.now()
        with self.core.db.read() as conn:
            row = store.customer_by_id(conn, s.customer_id)
        if not row["pending_totp_secret"]:
            raise InputError("Start setting up the new authenticator first.")

        def activate(conn, fresh, factor):
            store.activate_pending_totp_secret(conn, s.customer_id)
            codes = self._withdraw_codes(conn, s.customer_id, "authenticator_changed", now)
            self.notify_owner(conn, s.customer_id, subject="Your authenticator app was changed",
                              body=f"A new authenticator app was set up for your qrpay-sim account at "
                                   f"{to_iso(now)} on device '{s.device}'. Codes from the old one no longer "
                                   "work. If this was not you, contact support at once.", kind=MessageKind.SECURITY)
            audit.record(conn, at=now, event=AuditEvent.TOTP_REENROLLED, severity="warning", customer_id=s.customer_id,
                         session_id=s.id, payment_codes_revoked=codes)
        self._session_factor(s, code if code is not None else "", None, purpose="reenrol",
                             event=AuditEvent.TOTP_ENROL_FAILED,
                             secret_of=lambda r: r["pending_totp_secret"] or "",
                             generation_of=lambda r: r["totp_generation"] + 1, then=activate)

    def new_recovery_codes(self, token: str, *, totp: str | None = None) -> tuple[str, ...]:
        s = self._recent_step_up(token, totp)
        codes = totp_mod.new_recovery_codes()
        now = self.core.now()
        with self.core.db.write() as conn:
            store.replace_recovery_codes(conn, s.customer_id, [totp_mod.hash_recovery_code(c) for c in codes], at=now)
            withdrawn = self._withdraw_codes(conn, s.customer_id, "recovery_codes_regenerated", now)
            self.notify_owner(conn, s.customer_id, subject="New recovery codes",
                              body=f"New recovery codes were made for your qrpay-sim account at {to_iso(now)}; the "
                                   "old ones no longer work. If this was not you, contact support at once.",
                              kind=MessageKind.SECURITY)
            audit.record(conn, at=now, event=AuditEvent.RECOVERY_CODES_REGENERATED, severity="warning",
                         customer_id=s.customer_id, session_id=s.id, payment_codes_revoked=withdrawn)
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


def _cap(seconds: float, policy: Policy) -> float:
    """Any wait or lock, clamped to [0, policy.max_lock_seconds] whatever the clock did."""
    return float(min(max(0.0, seconds), max(0, policy.max_lock_seconds)))


def _delay(failures: int, policy: Policy) -> float:
    """Seconds to wait after `failures` consecutive failures: 1, 2, 4, … capped."""
    return float(min(MAX_DELAY_SECONDS, 2 ** max(0, failures - policy.delay_after_failures)))

