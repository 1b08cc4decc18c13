"""StaffService (`core.staff`): clerks and supervisors of the store, each with a PIN.

A PIN is 4–8 digits, stored as an Argon2id hash. Five wrong PINs in a row lock the staff member
for 15 minutes (a till is in a shop, not on the internet, so no growing delays are needed); an
unknown staff id costs the same Argon2 work as a wrong PIN.
"""
from __future__ import annotations

import enum
import math
import sqlite3
from dataclasses import dataclass

from shared import audit, passwords
from shared.errors import InputError, InvalidCredentials, Locked, NotFound, PermissionDenied
from shared.storage import staff_store as store

LOCK_AFTER_FAILURES = 5
LOCK_SECONDS = 15 * 60
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
            audit.record(conn, at=now, event="staff_added", actor=f"staff:{sid}", staff_id=sid, role=role.value)
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

    def verify(self, staff_id: int, pin: str) -> Staff:
        """The staff member when the PIN is right; InvalidCredentials or Locked otherwise."""
        if not isinstance(pin, str):
            raise InputError("Type the PIN.")
        now = self.core.now()
        with self.core.db.read() as conn:
            row = store.by_id(conn, staff_id) if _is_id(staff_id) else None
        if row is not None and row["locked_until"] is not None and row["locked_until"] > now:
            raise Locked(f"Too many wrong PINs: locked for {math.ceil((row['locked_until'] - now) / 60)} more "
                         "minute(s). Ask a supervisor.", until=row["locked_until"])
        if row is None:
            passwords.burn_time(pin)
            with self.core.db.write() as conn:
                audit.record(conn, at=now, event="staff_login_failed", severity="warning",
                             reason="unknown_staff", staff_ref=str(staff_id)[:20])
            raise InvalidCredentials(_WRONG)
        if passwords.verify_secret(row["pin_hash"], pin):
            rehash = passwords.hash_secret(pin) if passwords.needs_rehash(row["pin_hash"]) else None
            if row["failures"] or row["locked_until"] is not None or rehash:
                with self.core.db.write() as conn:
                    store.clear_failures(conn, row["id"])
                    if rehash:
                        store.set_pin_hash(conn, row["id"], rehash)
            return _staff(row)
        locked_until = None
        with self.core.db.write() as conn:
            n = store.record_failure(conn, row["id"])
            audit.record(conn, at=now, event="staff_login_failed", severity="warning", actor=f"staff:{row['id']}",
                         staff_id=row["id"], reason="wrong_pin", consecutive_failures=n)
            if n >= LOCK_AFTER_FAILURES:
                locked_until = now + LOCK_SECONDS
                store.lock(conn, row["id"], locked_until)
                audit.record(conn, at=now, event="staff_locked", severity="alert", actor=f"staff:{row['id']}",
                             staff_id=row["id"], until=locked_until)
        if locked_until is not None:
            raise Locked("Too many wrong PINs: locked for 15 minutes. Ask a supervisor.", until=locked_until)
        raise InvalidCredentials(_WRONG)

    def require_supervisor(self, staff_id: int, pin: str) -> Staff:
        member = self.verify(staff_id, pin)
        if member.role is not StaffRole.SUPERVISOR:
            raise PermissionDenied("A supervisor must approve this.")
        return member
