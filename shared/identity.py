"""IdentityService (`core.identity`): customers, sign-in, second factors and credential changes;
the public API of every identity module.

It is assembled from the modules along the seams: it owns a `SignInThrottle` (shared/throttle.py:
attempt reservation, delays, locks, stuffing detection; it needs nothing of this module), and
mixes in sessions and step-up (shared/sessions.py), password reset (shared/password_reset.py)
and credential changes (shared/credentials.py), which use this class's second-factor and notice
helpers; replies and owner notices are in shared/notices.py, records and input checks in
shared/identity_base.py. Callers use `core.identity.X` and the names re-exported here.

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
- Growing delays, locks, the hourly ceiling and the stuffing slowdown: shared/throttle.py (every
  wait clamped to [0, policy.max_lock_seconds]; nothing sleeps). A supervisor (`unlock`) or the
  owner (a reset) can unlock.
- Every accepted TOTP step is inserted into `totp_used_steps` (UNIQUE(customer_id, generation,
  step); the generation grows with each new authenticator) in the transaction that acts on it, so
  the same code works once, even from two processes at once.
- Events that change who can act for the customer (sign-out, revoked session, new password, e-mail,
  authenticator or recovery codes, reset) withdraw the outstanding payment codes in their transaction.
"""
from __future__ import annotations

import dataclasses
import sqlite3
from typing import Callable

from shared import audit, passwords
from shared import totp as totp_mod
from shared.audit_events import AuditEvent
from shared.clock import to_iso
from shared.errors import (Conflict, InputError, InvalidCredentials, NotFound, TotpInvalid, TotpRequired, TotpReused,
                           WeakPassword)
from shared.identity_base import (_DUMMY_TOTP_SECRET, _MAX_NAME, _NO_PROOF, HOUR, Customer, Enrollment, Factor,
                                  _customer, _FactorProof, _FactorRefused, _label, _secret_input, _valid_email,
                                  normalize_email)
from shared.mailbox import MessageKind
from shared.notices import _FACTOR_NEEDED, _TOTP_WRONG, _WRONG_LOGIN, notice, notify_once, notify_owner
from shared.credentials import CredentialChanges
from shared.password_reset import PasswordReset
from shared.policy import Policy
from shared.sessions import Session, SessionKeeping, _session, _token_hash, new_session_token
from shared.storage import identity_store as store
from shared.throttle import SignInThrottle, _Attempt

# Re-exported: `shared.identity` stays the one name callers import the identity modules' public
# constants from (tests read the limits through it).
from shared.password_reset import RESET_CODE_DIGITS, RESET_MAX_ATTEMPTS, RESET_REQUESTS_PER_HOUR  # noqa: E402,F401
from shared.throttle import MAX_DELAY_SECONDS, STUFFING_SPACING_SECONDS  # noqa: E402,F401
from shared.texts import Text

__all__ = ["Customer", "Enrollment", "Factor", "IdentityService", "Session", "normalize_email", "HOUR",
           "MAX_DELAY_SECONDS", "STUFFING_SPACING_SECONDS", "RESET_CODE_DIGITS", "RESET_MAX_ATTEMPTS",
           "RESET_REQUESTS_PER_HOUR"]


class IdentityService(SessionKeeping, PasswordReset, CredentialChanges):
    def __init__(self, core) -> None:
        self.core = core
        self.throttle = SignInThrottle(core)

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
        attempt, _ = self.throttle.reserve(f"register:{email}", source="register", device=None, kind="register")
        error: Exception | None = None
        with self.core.db.write() as conn:
            existing = store.customer_by_email(conn, email)
            if existing is not None:
                attempt = dataclasses.replace(attempt, customer_id=existing["id"])
                error = self.throttle.settle_failure(
                    conn, attempt, kind="register", reason="email_taken", event=AuditEvent.REGISTER_EXISTING_EMAIL,
                    severity="warning",
                    error=Conflict("This e-mail address cannot be used for a new account. If it is yours, sign "
                                   "in or reset your password."),
                    notify=notice("register_existing", time=to_iso(now), at=now))
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
        attempt, row = self.throttle.reserve(key, source="enrol", device=None, kind="enrol", lookup=True)
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
                error = self.throttle.settle_failure(conn, attempt, kind="second_factor", reason=refused.reason,
                                             event=AuditEvent.TOTP_ENROL_FAILED, severity="warning", error=err)
        if error is not None:
            raise error

    def customer(self, customer_id: int) -> Customer:
        return _customer(self._customer_row(customer_id))

    def _customer_row(self, customer_id: int) -> sqlite3.Row:
        if isinstance(customer_id, bool) or not isinstance(customer_id, int) or not 0 < customer_id < 2**63:
            raise NotFound("No such customer.")  # beyond SQLite's 64-bit integers: OverflowError otherwise
        with self.core.db.read() as conn:
            row = store.customer_by_id(conn, customer_id)
        if row is None:
            raise NotFound("No such customer.")
        return row

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

    def notify_owner(self, conn: sqlite3.Connection, customer_id: int, *, subject: "str | Text", body: "str | Text",
                     kind: MessageKind = MessageKind.NOTICE) -> int:
        """A message to the customer's address of record (shared/notices.py), in the caller's transaction."""
        return notify_owner(conn, customer_id, subject=subject, body=body, at=self.core.now(), kind=kind)

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
        attempt, row = self.throttle.reserve(key, source=source, device=device, kind="password", lookup=True)
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
        token = new_session_token()
        with self.core.db.write() as conn:
            if not pw_ok:
                reason = "unknown_email" if row is None else "wrong_password"
                err = TotpRequired(_FACTOR_NEEDED) if uniform and no_factor else InvalidCredentials(_WRONG_LOGIN)
                error = self.throttle.settle_failure(conn, attempt, kind="password", reason=reason, error=err)
            elif needs_factor and no_factor:
                error = self.throttle.settle_failure(
                    conn, attempt, kind="second_factor", reason="second_factor_missing",
                    event=AuditEvent.LOGIN_SECOND_FACTOR_MISSING, severity="warning",
                    error=TotpRequired(_FACTOR_NEEDED),
                    notify=self._password_known_notice(source, "password_known_no_factor"))
            else:
                try:
                    srow = self._complete_sign_in(conn, attempt, row, proof, token=token, password=password,
                                                  needs_factor=needs_factor, now=now, policy=policy)
                except _FactorRefused as refused:
                    reused = refused.reason == "totp_reused"
                    error = self.throttle.settle_failure(
                        conn, attempt, kind="second_factor", reason=refused.reason,
                        event=AuditEvent.TOTP_REUSED if reused else AuditEvent.LOGIN_FAILED, severity="warning",
                        error=InvalidCredentials(_WRONG_LOGIN) if uniform else refused.error,
                        notify=None if refused.reason == "password_changed" else self._password_known_notice(
                            source, "password_known_reused_factor" if reused else "password_known_wrong_factor"))
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
            self.notify_owner(conn, cid, **notice("recovery_code_used", device=device, time=to_iso(now), at=now, left=left))
        audit.record(conn, at=now, event=AuditEvent.LOGIN_SUCCEEDED, customer_id=cid, session_id=sid, device=device,
                     source=source, factor=factor.value, rehashed=bool(new_hash), **details)
        if new_device:
            audit.record(conn, at=now, event=AuditEvent.NEW_DEVICE, severity="warning", customer_id=cid,
                         device=device, source=source, session_id=sid)
            if policy.notify_new_device:
                self.notify_owner(conn, cid, **notice("new_device", device=device, time=to_iso(now), at=now))
        return store.session_by_id(conn, sid)

    def _password_known_notice(self, source: str, key: str) -> "dict[str, Text]":
        return notice(key, time=to_iso(self.core.now()), at=self.core.now(), source=source)

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
        attempt, _ = self.throttle.reserve(row["email"], source="session", device=s.device, kind="second_factor",
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
                error = self.throttle.settle_failure(
                    conn, attempt, kind="second_factor", reason=refused.reason,
                    event=AuditEvent.TOTP_REUSED if reused else event, severity="warning", error=refused.error,
                    notify=notice("step_up_reused_factor" if reused else "step_up_wrong_factor", device=s.device,
                                  time=to_iso(now), at=now))
        if error is not None:
            raise error
        return result

    def _notify_once(self, conn: sqlite3.Connection, customer_id: int, *, subject: "str | Text", body: "str | Text",
                     kind: MessageKind = MessageKind.NOTICE) -> None:
        notify_once(conn, customer_id, subject=subject, body=body, at=self.core.now(), kind=kind)

    def stuffing_active(self) -> bool:
        """Whether a credential-stuffing wave is on now (shared/throttle.py)."""
        return self.throttle.stuffing_active()

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
            self.notify_owner(conn, row["id"], kind=MessageKind.SECURITY, **notice("account_unlocked", time=to_iso(now), at=now))
            row = store.customer_by_id(conn, row["id"])
        return _customer(row)

    # -- top-up password (the 2019 "authentication password"; used by shared/topups.py) ----------
    def set_topup_password_hash(self, conn: sqlite3.Connection, customer_id: int, password_hash: str | None) -> None:
        store.set_topup_password_hash(conn, customer_id, password_hash)

    def topup_password_hash(self, customer_id: int) -> str | None:
        return self._customer_row(customer_id)["topup_password_hash"]

