"""The audit log: one row per security event, hash-chained so tampering is detected.

Each row's hash covers its own fields and the previous row's hash; the hash and row count of the
newest row are also kept in `settings` (the anchor), so deleting rows from the end is detected
too. `record` must be called inside the caller's write transaction, so the event commits with
the change it describes, or not at all.

Details are JSON and must never hold a secret: callers pass ids, amounts, reasons, never a
password, TOTP code, reset code, session token or payment code.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from shared.storage import audit_store, settings_store

GENESIS = "0" * 64
_ANCHOR_KEY = "audit_anchor"
_SEVERITIES = ("info", "warning", "alert")
_FORBIDDEN_KEYS = {"password", "totp", "code", "reset_code", "token", "session", "secret", "pin", "recovery_code"}


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: float
    event: str
    severity: str
    customer_id: int | None
    actor: str | None
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    ok: bool
    rows: int
    first_bad_row: int | None
    reason: str | None = None


def _digest(prev_hash: str, at: float, event: str, severity: str, customer_id: int | None,
            actor: str | None, details: str) -> str:
    payload = json.dumps([prev_hash, repr(float(at)), event, severity, customer_id, actor, details],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(conn: sqlite3.Connection, *, at: float, event: str, severity: str = "info",
           customer_id: int | None = None, actor: str | None = None, **details: Any) -> int:
    """Append one event inside the current write transaction; returns its row id."""
    if severity not in _SEVERITIES:
        raise ValueError(f"severity must be one of {_SEVERITIES}")
    leaked = _FORBIDDEN_KEYS.intersection(details)
    if leaked:
        raise ValueError(f"audit details must not carry secrets: {sorted(leaked)}")
    if not conn.in_transaction:
        raise RuntimeError("audit.record must run inside a write transaction")
    body = json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    prev = audit_store.last(conn)
    prev_hash = prev["hash"] if prev else GENESIS
    h = _digest(prev_hash, at, event, severity, customer_id, actor, body)
    row_id = audit_store.insert(conn, at=at, event=event, severity=severity, customer_id=customer_id,
                                actor=actor, details=body, prev_hash=prev_hash, hash_=h)
    settings_store.put(conn, _ANCHOR_KEY, json.dumps({"hash": h, "id": row_id}))
    return row_id


def verify(conn: sqlite3.Connection) -> AuditVerdict:
    """Walk the chain; the first row whose hash or link does not hold is reported."""
    prev_hash, count, last_id = GENESIS, 0, None
    for row in audit_store.all_rows(conn):
        count += 1
        if row["prev_hash"] != prev_hash:
            return AuditVerdict(False, count, row["id"], "a row before it was removed, or this row was inserted")
        expected = _digest(row["prev_hash"], row["at"], row["event"], row["severity"], row["customer_id"],
                           row["actor"], row["details"])
        if expected != row["hash"]:
            return AuditVerdict(False, count, row["id"], "this row was edited")
        prev_hash, last_id = row["hash"], row["id"]
    anchor_text = settings_store.get(conn, _ANCHOR_KEY)
    if anchor_text is None:
        if count:
            return AuditVerdict(False, count, last_id, "the chain's anchor is missing")
        return AuditVerdict(True, 0, None)
    anchor = json.loads(anchor_text)
    if anchor.get("hash") != prev_hash or anchor.get("id") != last_id:
        return AuditVerdict(False, count, last_id, "rows at the end of the log were removed or added")
    return AuditVerdict(True, count, None)


def _to_row(r: sqlite3.Row) -> AuditRow:
    return AuditRow(r["id"], r["at"], r["event"], r["severity"], r["customer_id"], r["actor"], json.loads(r["details"]))


def recent(conn: sqlite3.Connection, *, event: str | None = None, severity: str | None = None,
           customer_id: int | None = None, since: float | None = None, limit: int = 200) -> list[AuditRow]:
    """Newest first."""
    return [_to_row(r) for r in audit_store.query(conn, event=event, severity=severity, customer_id=customer_id,
                                                  since=since, limit=limit)]
