"""StaffService (`core.staff`): clerks and supervisors of the store, each with a PIN.

A PIN is 4–8 digits, stored as an Argon2id hash. Five wrong PINs in a row lock the staff member
for 15 minutes (a till is in a shop, not on the internet, so no growing delays are needed); an
unknown staff id costs the same Argon2 work as a wrong PIN.

Every attempt is reserved — counted as a failure — in the write transaction that checks the lock,
BEFORE the Argon2 comparison; a right PIN then clears the count (shared/attempts.py). So N
parallel attempts (several tills, several processes) get at most `LOCK_AFTER_FAILURES`
comparisons: while that many are being checked the next one is refused at once (`throttled`,
"try again in a moment") and a right PIN arriving then is not compared, let alone accepted. A lock
never lasts longer than the policy's `max_lock_seconds` (or `MAX_LOCK_SECONDS` when the policy has
no cap): if the clock jumps back and the stored end lies further ahead, it is pulled in to now +
the cap.
"""
from __future__ import annotations

import enum
import math
import sqlite3
from dataclasses import dataclass

from shared import attempts, audit, passwords
from shared.audit_events import AuditEvent
from shared.clock import wait_words
from shared.errors import InputError, InvalidCredentials, Locked, NotFound, PermissionDenied, Throttled
from shared.storage import staff_store as store

LOCK_AFTER_FAILURES = 5
LOCK_SECONDS = 15 * 60
MAX_LOCK_SECONDS = 60 * 60   # the cap when the policy sets none (2019)
_MAX_NAME = 60
_WRONG = "The staff number or PIN is wrong."


class StaffRole(enum.StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True, slots=True)
class Staff:
    id: int
    name: str
    role: StaffRole


def _staff(row: sqlite3.Row) -> Staff:
    return Staff(row["id"], row["name"], StaffRole(row["role"]))


def _is_id(staff_id: object) -> bool:
    # SQLite integers are 64-bit: a bigger Python int would raise OverflowError, not "no such staff".
    return isinstance(staff_id, int) and not isinstance(staff_id, bool) and 0 < staff_id < 2**63


def _valid_pin(pin: object) -> str:
    if not isinstance(pin, str) or not (4 <= len(pin) <= 8) or not pin.isascii() or not pin.isdigit():
        raise InputError("A PIN is 4 to 8 digits.")
    return pin


class StaffService:
    def __init__(self, core) -> None:
        self.core = core

    def add(self, name: str, role: str, pin: str) -> Staff:
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > _MAX_NAME:
            raise InputError(f"Type a name of 1 to {_MAX_NAME} characters.")
        try:
            role = StaffRole(role)
        except ValueError:
            raise InputError("The role is clerk or supervisor.") from None
        pin_hash = passwords.hash_secret(_valid_pin(pin))
        now = self.core.now()
        with self.core.db.write() as conn:
            sid = store.insert(conn, name=name.strip(), role=role.value, pin_hash=pin_hash, at=now)
            audit.record(conn, at=now, event=AuditEvent.STAFF_ADDED,
                         actor=f"staff:{sid}", staff_id=sid, role=role.value)
        return Staff(sid, name.strip(), role)

    def list(self) -> list[Staff]:
        with self.core.db.read() as conn:
            return [_staff(r) for r in store.active(conn)]

    def get(self, staff_id: int) -> Staff:
        with self.core.db.read() as conn:
            row = store.by_id(conn, staff_id) if _is_id(staff_id) else None
        if row is None:
            raise NotFound("No such staff member.")
        return _staff(row)

    def _cap(self) -> int:
        policy_cap = self.core.policy.max_lock_seconds
        return policy_cap if policy_cap > 0 else MAX_LOCK_SECONDS

    def verify(self, staff_id: int, pin: str) -> Staff:
        """The staff member when the PIN is right; InvalidCredentials, Locked or Throttled otherwise."""
        if not isinstance(pin, str):
            raise InputError("Type the PIN.")
        cap = self._cap()
        with self.core.db.write() as conn:  # check the limit and reserve the attempt: one transaction
            now = self.core.now()
            row = store.by_id(conn, staff_id) if _is_id(staff_id) else None
            decision = None
            if row is not None:
                decision = attempts.decide(failures=int(row["failures"]), locked_until=row["locked_until"],
                                           attempt_at=row["attempt_at"], now=now, limit=LOCK_AFTER_FAILURES,
                                           lock_seconds=LOCK_SECONDS, cap=cap)
                if decision.action is attempts.Action.GO:
                    store.reserve_attempt(conn, row["id"], now)
                elif decision.write_lock:
                    store.lock(conn, row["id"], decision.until)
        if decision is not None and decision.action is attempts.Action.LOCKED:
            raise Locked(f"Too many wrong PINs: locked for {wait_words(decision.until - now)} more. Ask a supervisor.",
                         until=decision.until)
        if decision is not None and decision.action is attempts.Action.BUSY:
            raise Throttled("Several PIN checks for this staff member are in progress; try again in a moment.",
                            retry_after=math.ceil(decision.retry_after))
        if row is None:
            passwords.burn_time(pin)
            with self.core.db.write() as conn:
                audit.record(conn, at=now, event=AuditEvent.STAFF_LOGIN_FAILED, severity="warning",
                             reason="unknown_staff", staff_ref=str(staff_id)[:20])
            raise InvalidCredentials(_WRONG)
        if passwords.verify_secret(row["pin_hash"], pin):
            rehash = passwords.hash_secret(pin) if passwords.needs_rehash(row["pin_hash"]) else None
            with self.core.db.write() as conn:
                store.clear_failures(conn, row["id"])
                if rehash:
                    store.set_pin_hash(conn, row["id"], rehash)
            return _staff(row)
        locked_until = None
        with self.core.db.write() as conn:
            now = self.core.now()
            current = store.by_id(conn, row["id"])
            failures = int(current["failures"]) if current is not None else 0
            audit.record(conn, at=now, event=AuditEvent.STAFF_LOGIN_FAILED,
                         severity="warning", actor=f"staff:{row['id']}",
                         staff_id=row["id"], reason="wrong_pin", consecutive_failures=failures)
            already = current is not None and current["locked_until"] is not None and current["locked_until"] > now
            if current is not None and not already:
                locked_until = attempts.lock_after_failure(failures_now=failures, limit=LOCK_AFTER_FAILURES,
                                                           now=now, lock_seconds=LOCK_SECONDS, cap=cap)
                if locked_until is not None:
                    store.lock(conn, row["id"], locked_until)
                    audit.record(conn, at=now, event=AuditEvent.STAFF_LOCKED,
                                 severity="alert", actor=f"staff:{row['id']}",
                                 staff_id=row["id"], until=locked_until)
            elif already:
                locked_until = current["locked_until"]
        if locked_until is not None:
            raise Locked(f"Too many wrong PINs: locked for {wait_words(locked_until - now)}. Ask a supervisor.",
                         until=locked_until)
        raise InvalidCredentials(_WRONG)

    def require_supervisor(self, staff_id: int, pin: str) -> Staff:
        member = self.verify(staff_id, pin)
        if member.role is not StaffRole.SUPERVISOR:
            raise PermissionDenied("A supervisor must approve this.")
        return member
