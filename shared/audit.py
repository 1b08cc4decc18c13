"""The audit log: one row per security event, hash-chained, its head signed with a key kept
outside the database.

Each row's hash covers its own fields and the previous row's hash. The head of the chain (row
count + newest hash) is signed with the database's Ed25519 key (shared/audit_key.py: a file in
the per-user config directory, named by the database's random id) and stored in `settings`, in
the same transaction as every event. So someone holding only the database file can neither
edit a row and recompute the hashes, nor cut the tail and rewrite the head, nor wipe the log and
its head: `verify` names the check that fails. A witness of the last committed head is also
kept next to the key, so putting back an older copy of the file is detected on this machine.
See docs/AUDIT.md for what this can and cannot detect.

`record` must be called inside the caller's write transaction, so the event commits with the
change it describes, or not at all. It refuses (StorageError, nothing saved) when the key is
missing or the stored head does not match the log: writing on would re-sign a tampered log.

Details are JSON and must never hold a secret: callers pass ids, amounts, reasons, never a
password, TOTP code, reset code, session token or payment code.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Iterable

from shared import audit_key
from shared.audit_events import AuditEvent
from shared.errors import Conflict, StorageError
from shared.storage import audit_store, settings_store
from shared.storage.db import stored_member

log = logging.getLogger(__name__)

GENESIS = "0" * 64
DB_ID_KEY = "db_id"
HEAD_KEY = "audit_head"
# The database refuses UPDATE and DELETE of audit rows (migration 0013; PostgreSQL since its baseline).
APPEND_ONLY_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")
_LEGACY_ANCHOR_KEY = "audit_anchor"   # the unsigned anchor of databases before the audit_anchor migration
_SEVERITIES = ("info", "warning", "alert")
_FORBIDDEN_KEYS = {"password", "totp", "code", "reset_code", "token", "session", "secret", "pin", "recovery_code"}

# The names of the checks `verify` runs, as reported in AuditVerdict.check / problems.
CHECKS = ("db_id_missing", "chain_broken", "key_missing", "key_unreadable", "anchor_missing",
          "head_signature_invalid", "row_count_differs", "head_hash_differs", "witness_unreadable", "rollback",
          "expected_head_mismatch")


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: float
    event: AuditEvent | str     # a name no member has only in a database written by another version
    severity: str
    customer_id: int | None
    actor: str | None
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    check: str           # one of CHECKS
    message: str
    row: int | None = None


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    ok: bool
    rows: int
    first_bad_row: int | None
    reason: str | None = None
    check: str | None = None                        # the first failing check's name
    problems: tuple[Problem, ...] = ()
    key_path: str | None = None
    key_fingerprint: str | None = None
    head_rows: int | None = None                    # the signed head as stored
    head_hash: str | None = None
    witness_rows: int | None = None
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows": self.rows, "first_bad_row": self.first_bad_row, "reason": self.reason,
                "failed_check": self.check,
                "problems": [{"check": p.check, "message": p.message, "row": p.row} for p in self.problems],
                "key_path": self.key_path, "key_fingerprint": self.key_fingerprint,
                "signed_head": None if self.head_rows is None else {"rows": self.head_rows, "hash": self.head_hash},
                "witness_rows": self.witness_rows, "notes": list(self.notes)}


def _digest(prev_hash: str, at: float, event: str, severity: str, customer_id: int | None,
            actor: str | None, details: str) -> str:
    payload = json.dumps([prev_hash, repr(float(at)), event, severity, customer_id, actor, details],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# -- the signed head ---------------------------------------------------------------------------------
def _db_id(conn: sqlite3.Connection) -> str:
    return audit_key.check_db_id(settings_store.get(conn, DB_ID_KEY))


def _stored_head(conn: sqlite3.Connection) -> dict[str, Any] | None:
    text = settings_store.get(conn, HEAD_KEY)
    if text is None:
        return None
    try:
        d = json.loads(text)
        return {"rows": int(d["rows"]), "hash": str(d["hash"]), "sig": str(d["sig"])}
    except (ValueError, KeyError, TypeError):
        return {"rows": -1, "hash": "", "sig": ""}


def _put_head(conn: sqlite3.Connection, db_id: str, key, rows: int, last_hash: str) -> None:
    sig = audit_key.sign(key, db_id, rows, last_hash)
    settings_store.put(conn, HEAD_KEY, json.dumps({"rows": rows, "hash": last_hash, "sig": sig}, separators=(",", ":")))
    audit_key.KNOWN_HEADS.remember(key, db_id, rows, last_hash, sig)   # signed here: verifies by construction
    pending = getattr(conn, "after_commit", None)
    path = getattr(conn, "db_path", None)
    if pending is not None and path is not None:
        def witness() -> None:
            audit_key.write_witness(db_id, path, audit_key.Head(rows, last_hash))
        witness.audit_witness = True  # type: ignore[attr-defined]
        pending[:] = [f for f in pending if not getattr(f, "audit_witness", False)] + [witness]


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(row count, newest hash) as signed: what a Z report prints."""
    h = _stored_head(conn)
    if h is None:
        return 0, GENESIS
    return h["rows"], h["hash"]


def _writable_head(conn: sqlite3.Connection):
    db_id = _db_id(conn)
    key = audit_key.load_key(db_id)
    if key is None:
        raise StorageError(f"The audit key of this database ({audit_key.key_path(db_id)}) is missing, so no event "
                           "can be signed; nothing was saved. Put the key file back, or run `qrpay audit adopt` "
                           "(recorded as an alert).", code="audit_key_missing")
    stored = _stored_head(conn)
    if stored is None:
        raise StorageError("The audit log's signed head is missing (the log was changed outside qrpay-sim); "
                           "nothing was saved. Run `qrpay audit verify`.", code="audit_anchor_missing")
    if not audit_key.KNOWN_HEADS.verified(key, db_id, stored["rows"], stored["hash"], stored["sig"]):
        raise StorageError("The audit log's signed head does not verify (it was changed outside qrpay-sim); "
                           "nothing was saved. Run `qrpay audit verify`.", code="audit_head_invalid")
    return db_id, key, stored


def record(conn: sqlite3.Connection, *, at: float, event: AuditEvent, severity: str = "info",
           customer_id: int | None = None, actor: str | None = None, **details: Any) -> int:
    """Append one event inside the current write transaction and re-sign the head; returns its row id.
    `event` must be an AuditEvent member: a bare string (a typo, a name no reader knows) is refused."""
    if not isinstance(event, AuditEvent):
        raise TypeError(f"audit.record needs an AuditEvent, not {type(event).__name__}")
    event_name = event.value
    if severity not in _SEVERITIES:
        raise ValueError(f"severity must be one of {_SEVERITIES}")
    leaked = _FORBIDDEN_KEYS.intersection(details)
    if leaked:
        raise ValueError(f"audit details must not carry secrets: {sorted(leaked)}")
    if not conn.in_transaction:
        raise RuntimeError("audit.record must run inside a write transaction")
    body = json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    db_id, key, stored = _writable_head(conn)
    prev = audit_store.last(conn)
    prev_hash = prev["hash"] if prev else GENESIS
    if prev_hash != stored["hash"]:
        raise StorageError("The audit log does not end where its signed head says (rows were removed or added "
                           "outside qrpay-sim); nothing was saved. Run `qrpay audit verify`.",
                           code="audit_head_invalid")
    h = _digest(prev_hash, at, event_name, severity, customer_id, actor, body)
    row_id = audit_store.insert(conn, at=at, event=event_name, severity=severity, customer_id=customer_id,
                                actor=actor, details=body, prev_hash=prev_hash, hash_=h)
    _put_head(conn, db_id, key, stored["rows"] + 1, h)
    return row_id


def _sign_current(conn: sqlite3.Connection, db_id: str) -> tuple[int, str, Any]:
    audit_key.create_key(db_id)
    key = audit_key.load_key(db_id)
    rows = audit_store.count(conn)
    last = audit_store.last(conn)
    last_hash = last["hash"] if last else GENESIS
    _put_head(conn, db_id, key, rows, last_hash)
    return rows, last_hash, key


def adopt_on_migration(conn: sqlite3.Connection, path: os.PathLike[str] | str) -> None:
    """Migration `audit_anchor`: create this database's key and sign its current head. A log that
    already had rows (a database from before the signed head) is adopted with a warning in it."""
    from shared.clock import SystemClock

    db_id = _db_id(conn)
    chain_ok = _walk(conn, {})[1] is None
    settings_store.delete(conn, _LEGACY_ANCHOR_KEY)
    rows, _, key = _sign_current(conn, db_id)
    if rows:
        record(conn, at=SystemClock().now(), event=AuditEvent.AUDIT_LOG_ADOPTED, severity="warning", actor="system",
               rows=rows, chain_intact=chain_ok, key_fingerprint=audit_key.fingerprint(key))
        log.warning("audit: the existing log of %s (%d rows) was adopted and its head signed with a new key "
                    "at %s; rows written before today were not signed when written.", path, rows,
                    audit_key.key_path(db_id))


def adopt(conn: sqlite3.Connection, *, at: float, actor: str, problems: Iterable[Problem]) -> int:
    """`qrpay audit adopt`: sign the current head with this machine's key (a new one if missing),
    recording an alert that names what verify had found. Returns the row count adopted."""
    problems = tuple(problems)
    if not problems:
        raise Conflict("The audit log verifies; there is nothing to adopt.", code="nothing_to_adopt")
    db_id = _db_id(conn)
    rows, _, key = _sign_current(conn, db_id)
    record(conn, at=at, event=AuditEvent.AUDIT_ANCHOR_ADOPTED, severity="alert", actor=actor, rows=rows,
           found=[p.check for p in problems][:10], key_fingerprint=audit_key.fingerprint(key))
    return rows


# -- verification -------------------------------------------------------------------------------------
def _walk(conn: sqlite3.Connection, wanted: dict[int, str]) -> tuple[int, Problem | None, str, int | None, dict]:
    """(rows, first chain problem, newest hash, newest id, {position: hash} for `wanted` positions)."""
    prev_hash, count, last_id, problem, seen = GENESIS, 0, None, None, {}
    for row in audit_store.all_rows(conn):
        count += 1
        if problem is None:
            if row["prev_hash"] != prev_hash:
                problem = Problem("chain_broken", f"chain broken at row {row['id']}: a row before it was removed, "
                                  "or this row was inserted", row["id"])
            elif _digest(row["prev_hash"], row["at"], row["event"], row["severity"], row["customer_id"],
                         row["actor"], row["details"]) != row["hash"]:
                problem = Problem("chain_broken", f"chain broken at row {row['id']}: this row was edited", row["id"])
        if count in wanted:
            seen[count] = row["hash"]
        prev_hash, last_id = row["hash"], row["id"]
    return count, problem, prev_hash, last_id, seen


def verify(conn: sqlite3.Connection, *, db_file: str | os.PathLike[str] | None = None,
           expected: Iterable[tuple[str, int, str]] = ()) -> AuditVerdict:
    """Run every check; `expected` are (label, rows, hash) heads printed earlier (Z reports) that the
    log must still extend. The first failing check is `check`; all of them are in `problems`."""
    problems: list[Problem] = []
    notes: list[str] = []
    db_file = db_file if db_file is not None else getattr(conn, "db_path", None)
    try:
        db_id: str | None = _db_id(conn)
    except StorageError:
        db_id = None
        problems.append(Problem("db_id_missing", "the database id is missing, so its key cannot be found "
                                "(the settings were changed outside qrpay-sim)"))
    witness = audit_key.read_witness(db_id, db_file) if db_id and db_file is not None else None
    expected = [(label, int(rows), str(h)) for label, rows, h in expected]
    wanted: dict[int, str] = {}
    if witness is not None and witness.rows > 0:
        wanted[witness.rows] = witness.hash
    for _, rows, h in expected:
        if rows > 0:
            wanted[rows] = h
    count, chain_problem, last_hash, last_id, seen = _walk(conn, wanted)
    if chain_problem:
        problems.append(chain_problem)

    key = None
    key_path = fingerprint = None
    if db_id:
        key_path = str(audit_key.key_path(db_id))
        try:
            key = audit_key.load_key(db_id)
        except StorageError as e:
            problems.append(Problem("key_unreadable", e.message))
        else:
            if key is None:
                problems.append(Problem("key_missing", f"the key {key_path} is missing: the signed head cannot be "
                                        "checked (restore the key file)"))
            else:
                fingerprint = audit_key.fingerprint(key)
                mode = audit_key.key_mode_problem(db_id)
                if mode:
                    notes.append(mode)
    stored = _stored_head(conn)
    if stored is None:
        problems.append(Problem("anchor_missing", "the signed head is missing: the log and its head were removed or "
                                "replaced outside qrpay-sim", last_id))
    else:
        if key is not None and not audit_key.signature_ok(key.public_key(), db_id, stored["rows"], stored["hash"],
                                                          stored["sig"]):
            problems.append(Problem("head_signature_invalid", "the head's signature is invalid: the head was "
                                    "rewritten without the key", last_id))
        if stored["rows"] != count:
            problems.append(Problem("row_count_differs", f"the log has {count} rows but the signed head says "
                                    f"{stored['rows']}: rows were removed or added", last_id))
        elif stored["hash"] != last_hash:
            problems.append(Problem("head_hash_differs", "the newest row is not the one the head was signed for: "
                                    "rows were rewritten", last_id))
    if witness is not None:
        if witness.rows < 0:
            problems.append(Problem("witness_unreadable", "the witness of the last committed head (next to the key) "
                                    "is unreadable"))
        elif witness.rows > count:
            problems.append(Problem("rollback", f"this machine last committed {witness.rows} rows to this database, "
                                    f"but it has {count}: an older copy was put back, or rows were removed"))
        elif witness.rows and seen.get(witness.rows) != witness.hash:
            problems.append(Problem("rollback", f"row {witness.rows} is not the one this machine committed: the "
                                    "log was replaced by another copy", witness.rows))
    else:
        notes.append("no witness of an earlier head on this machine for this file (first use here, or it moved)")
    for label, rows, h in expected:
        if rows > count:
            problems.append(Problem("expected_head_mismatch", f"{label}: printed {rows} rows but the log has only "
                                    f"{count}: rows were removed"))
        elif rows == 0 and h != GENESIS or rows > 0 and seen.get(rows) != h:
            problems.append(Problem("expected_head_mismatch", f"{label}: row {rows} is not the one printed (hash "
                                    f"{h[:12]}…): the log was rewritten", rows or None))
    first = problems[0] if problems else None
    return AuditVerdict(not problems, count, (first.row if first and first.row is not None else
                                             (last_id if first else None)),
                        first.message if first else None, first.check if first else None, tuple(problems),
                        key_path, fingerprint, None if stored is None else stored["rows"],
                        None if stored is None else stored["hash"], None if witness is None else witness.rows,
                        tuple(notes))


def _to_row(r: sqlite3.Row) -> AuditRow:
    return AuditRow(r["id"], r["at"], stored_member(AuditEvent, r["event"]), r["severity"], r["customer_id"],
                    r["actor"], json.loads(r["details"]))


def recent(conn: sqlite3.Connection, *, event: AuditEvent | None = None, severity: str | None = None,
           customer_id: int | None = None, since: float | None = None, limit: int = 200) -> list[AuditRow]:
    """Newest first."""
    if event is not None and not isinstance(event, AuditEvent):
        raise TypeError(f"audit.recent filters by an AuditEvent, not {type(event).__name__}")
    name = None if event is None else event.value
    return [_to_row(r) for r in audit_store.query(conn, event=name, severity=severity, customer_id=customer_id,
                                                  since=since, limit=limit)]
